import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fixturePath, sharedDir } from '#test-support';
import {
  type ApplicabilityRule,
  ApplicabilityRuleSchema,
  LEAF_RULE_NAMES,
  type LeafRule,
  type LeafRuleName,
  renderRule,
} from './domain/applicability-rules.js';
import { checkListTypes, checkRulesXml, readRuleSchema, type RuleSchemas } from './domain/applicability-xsd.check.js';

const HKLM = 'HKEY_LOCAL_MACHINE' as const;

/** One example of every rule kind, with the XML it must render to. */
const EXAMPLES: { [N in LeafRuleName]: readonly [Extract<LeafRule, { type: N }>, string] } = {
  Platform: [{ type: 'Platform', platformId: 2 }, '<bar:Platform PlatformID="2" />'],
  WindowsVersion: [
    { type: 'WindowsVersion', comparison: 'GreaterThanOrEqualTo', majorVersion: 10, minorVersion: 0, buildNumber: 19041, productType: 1 },
    '<bar:WindowsVersion Comparison="GreaterThanOrEqualTo" MajorVersion="10" MinorVersion="0" BuildNumber="19041" ProductType="1" />',
  ],
  PlatformVersion: [{ type: 'PlatformVersion', majorVersion: 6, allSuitesMustBePresent: true, suiteMask: 272 }, '<bar:PlatformVersion MajorVersion="6" AllSuitesMustBePresent="true" SuiteMask="272" />'],
  WindowsLanguage: [{ type: 'WindowsLanguage', language: 'en' }, '<bar:WindowsLanguage Language="en" />'],
  PlatformLanguage: [{ type: 'PlatformLanguage', language: 'pt-BR' }, '<bar:PlatformLanguage Language="pt-BR" />'],
  MuiInstalled: [{ type: 'MuiInstalled' }, '<bar:MuiInstalled />'],
  MuiLanguageInstalled: [{ type: 'MuiLanguageInstalled', language: 'de' }, '<bar:MuiLanguageInstalled Language="de" />'],
  SystemMetric: [{ type: 'SystemMetric', comparison: 'EqualTo', index: 87, value: 1 }, '<bar:SystemMetric Comparison="EqualTo" Index="87" Value="1" />'],
  Processor: [{ type: 'Processor', architecture: 9 }, '<bar:Processor Architecture="9" />'],
  NumberOfProcessors: [{ type: 'NumberOfProcessors', comparison: 'GreaterThan', number: 1 }, '<bar:NumberOfProcessors Comparison="GreaterThan" Number="1" />'],
  ClusteredOS: [{ type: 'ClusteredOS' }, '<bar:ClusteredOS />'],
  FileExists: [{ type: 'FileExists', path: 'drivers\\x.sys', csidl: 37, size: 1024 }, '<bar:FileExists Path="drivers\\x.sys" Size="1024" Csidl="37" />'],
  FileExistsPrependRegSz: [
    { type: 'FileExistsPrependRegSz', path: 'agent.exe', key: HKLM, subkey: 'SOFTWARE\\Contoso', value: 'InstallDir' },
    '<bar:FileExistsPrependRegSz Path="agent.exe" Key="HKEY_LOCAL_MACHINE" Subkey="SOFTWARE\\Contoso" Value="InstallDir" />',
  ],
  FileVersion: [
    { type: 'FileVersion', path: 'Contoso\\agent.exe', comparison: 'GreaterThanOrEqualTo', version: '2.1.0.0', csidl: 38 },
    '<bar:FileVersion Path="Contoso\\agent.exe" Comparison="GreaterThanOrEqualTo" Version="2.1.0.0" Csidl="38" />',
  ],
  // The attribute order of fixture 266f6222-…-r200: Path Comparison Version Key Subkey Value.
  FileVersionPrependRegSz: [
    {
      type: 'FileVersionPrependRegSz',
      path: 'mpasdlta.vdm',
      comparison: 'GreaterThanOrEqualTo',
      version: '1.459.547.0',
      key: HKLM,
      subkey: 'SOFTWARE\\Microsoft\\Windows Defender\\Signature Updates',
      value: 'SignatureLocation',
    },
    '<bar:FileVersionPrependRegSz Path="mpasdlta.vdm" Comparison="GreaterThanOrEqualTo" Version="1.459.547.0" Key="HKEY_LOCAL_MACHINE" Subkey="SOFTWARE\\Microsoft\\Windows Defender\\Signature Updates" Value="SignatureLocation" />',
  ],
  FileCreated: [{ type: 'FileCreated', path: 'a.dll', comparison: 'LessThan', created: '2026-01-01T00:00:00Z' }, '<bar:FileCreated Path="a.dll" Comparison="LessThan" Created="2026-01-01T00:00:00Z" />'],
  FileCreatedPrependRegSz: [
    { type: 'FileCreatedPrependRegSz', path: 'a.dll', comparison: 'LessThan', created: '2026-01-01T00:00:00Z', key: HKLM, subkey: 'S' },
    '<bar:FileCreatedPrependRegSz Path="a.dll" Comparison="LessThan" Created="2026-01-01T00:00:00Z" Key="HKEY_LOCAL_MACHINE" Subkey="S" />',
  ],
  FileModified: [{ type: 'FileModified', path: 'a.dll', comparison: 'GreaterThan', modified: '2026-01-01T00:00:00Z' }, '<bar:FileModified Path="a.dll" Comparison="GreaterThan" Modified="2026-01-01T00:00:00Z" />'],
  FileModifiedPrependRegSz: [
    { type: 'FileModifiedPrependRegSz', path: 'a.dll', comparison: 'GreaterThan', modified: '2026-01-01T00:00:00Z', key: HKLM, subkey: 'S', value: 'Dir' },
    '<bar:FileModifiedPrependRegSz Path="a.dll" Comparison="GreaterThan" Modified="2026-01-01T00:00:00Z" Key="HKEY_LOCAL_MACHINE" Subkey="S" Value="Dir" />',
  ],
  FileSize: [{ type: 'FileSize', path: 'a.dll', comparison: 'EqualTo', size: 4096 }, '<bar:FileSize Path="a.dll" Comparison="EqualTo" Size="4096" />'],
  FileSizePrependRegSz: [
    { type: 'FileSizePrependRegSz', path: 'a.dll', comparison: 'EqualTo', size: 4096, key: HKLM, subkey: 'S', regType32: true },
    '<bar:FileSizePrependRegSz Path="a.dll" Comparison="EqualTo" Size="4096" Key="HKEY_LOCAL_MACHINE" Subkey="S" RegType32="true" />',
  ],
  RegKeyExists: [{ type: 'RegKeyExists', key: HKLM, subkey: 'SOFTWARE\\Contoso' }, '<bar:RegKeyExists Key="HKEY_LOCAL_MACHINE" Subkey="SOFTWARE\\Contoso" />'],
  RegValueExists: [
    { type: 'RegValueExists', key: HKLM, subkey: 'SOFTWARE\\Contoso', value: '1.0', valueType: 'REG_BINARY' },
    '<bar:RegValueExists Key="HKEY_LOCAL_MACHINE" Subkey="SOFTWARE\\Contoso" Value="1.0" Type="REG_BINARY" />',
  ],
  RegDword: [
    { type: 'RegDword', key: HKLM, subkey: 'SOFTWARE\\Contoso', value: 'Level', comparison: 'GreaterThanOrEqualTo', data: 1 },
    '<bar:RegDword Key="HKEY_LOCAL_MACHINE" Subkey="SOFTWARE\\Contoso" Value="Level" Comparison="GreaterThanOrEqualTo" Data="1" />',
  ],
  RegExpandSz: [
    { type: 'RegExpandSz', key: HKLM, subkey: 'S', value: 'Path', comparison: 'Contains', data: '%ProgramFiles%' },
    '<bar:RegExpandSz Key="HKEY_LOCAL_MACHINE" Subkey="S" Value="Path" Comparison="Contains" Data="%ProgramFiles%" />',
  ],
  RegSz: [
    { type: 'RegSz', key: HKLM, subkey: 'S', value: 'Edition', comparison: 'EqualTo', data: 'Pro & "Plus" <x>' },
    '<bar:RegSz Key="HKEY_LOCAL_MACHINE" Subkey="S" Value="Edition" Comparison="EqualTo" Data="Pro &amp; &quot;Plus&quot; &lt;x&gt;" />',
  ],
  RegSzToVersion: [
    { type: 'RegSzToVersion', key: HKLM, subkey: 'S', value: 'Version', comparison: 'LessThan', data: '2.1.0.0' },
    '<bar:RegSzToVersion Key="HKEY_LOCAL_MACHINE" Subkey="S" Value="Version" Comparison="LessThan" Data="2.1.0.0" />',
  ],
  LicenseValueExists: [{ type: 'LicenseValueExists', value: 'Kernel-Feature' }, '<bar:LicenseValueExists Value="Kernel-Feature" />'],
  LicenseDword: [
    { type: 'LicenseDword', value: 'CE163B38-1AEC-47AF-854D-FC90ABD6951C', comparison: 'EqualTo', data: 1 },
    '<bar:LicenseDword Value="CE163B38-1AEC-47AF-854D-FC90ABD6951C" Comparison="EqualTo" Data="1" />',
  ],
  WmiQuery: [
    { type: 'WmiQuery', namespace: 'root\\cimv2', wqlQuery: "SELECT * FROM Win32_ComputerSystem WHERE Manufacturer='Contoso'" },
    `<bar:WmiQuery Namespace="root\\cimv2" WqlQuery="SELECT * FROM Win32_ComputerSystem WHERE Manufacturer='Contoso'" />`,
  ],
  InstalledOnce: [{ type: 'InstalledOnce' }, '<bar:InstalledOnce />'],
  GenericQuery: [
    { type: 'GenericQuery', namespace: 'Contoso', queryType: 'Feature', parameter: 'X', comparison: 'EqualTo', value: 'on' },
    '<bar:GenericQuery Namespace="Contoso" Type="Feature" Parameter="X" Comparison="EqualTo" Value="on" />',
  ],
  MsiProductInstalled: [
    { type: 'MsiProductInstalled', productCode: 'a1b2c3d4-0001-4000-8000-000000000100', versionMin: '1.0.0', excludeVersionMin: false, language: 1033 },
    '<msiar:MsiProductInstalled ProductCode="{a1b2c3d4-0001-4000-8000-000000000100}" VersionMin="1.0.0" ExcludeVersionMin="false" Language="1033" />',
  ],
  MsiPatchInstalledForProduct: [
    { type: 'MsiPatchInstalledForProduct', patchCode: '{B1B2C3D4-0001-4000-8000-000000000001}', productCode: 'a1b2c3d4-0001-4000-8000-000000000100' },
    '<msiar:MsiPatchInstalledForProduct PatchCode="{B1B2C3D4-0001-4000-8000-000000000001}" ProductCode="{a1b2c3d4-0001-4000-8000-000000000100}" />',
  ],
  MsiFeatureInstalledForProduct: [
    { type: 'MsiFeatureInstalledForProduct', allFeaturesRequired: true, features: ['Core', 'Docs'], products: ['a1b2c3d4-0001-4000-8000-000000000100'] },
    '<msiar:MsiFeatureInstalledForProduct AllFeaturesRequired="true"><msiar:Feature>Core</msiar:Feature><msiar:Feature>Docs</msiar:Feature><msiar:Product>{a1b2c3d4-0001-4000-8000-000000000100}</msiar:Product></msiar:MsiFeatureInstalledForProduct>',
  ],
  MsiComponentInstalledForProduct: [
    { type: 'MsiComponentInstalledForProduct', components: ['c1b2c3d4-0001-4000-8000-000000000001'], products: ['a1b2c3d4-0001-4000-8000-000000000100'] },
    '<msiar:MsiComponentInstalledForProduct><msiar:Component>{c1b2c3d4-0001-4000-8000-000000000001}</msiar:Component><msiar:Product>{a1b2c3d4-0001-4000-8000-000000000100}</msiar:Product></msiar:MsiComponentInstalledForProduct>',
  ],
  MsiApplicationInstalled: [{ type: 'MsiApplicationInstalled' }, '<msiar:MsiApplicationInstalled />'],
  MsiApplicationInstallable: [{ type: 'MsiApplicationInstallable' }, '<msiar:MsiApplicationInstallable />'],
  MsiApplicationSuperseded: [{ type: 'MsiApplicationSuperseded' }, '<msiar:MsiApplicationSuperseded />'],
};

const schemas = (): RuleSchemas => ({
  bar: readRuleSchema(readFileSync(path.join(sharedDir(), 'specs', 'BaseApplicabilityRules.xsd'), 'utf8')),
  msiar: readRuleSchema(readFileSync(path.join(sharedDir(), 'specs', 'MsiApplicabilityRules.xsd'), 'utf8')),
});

const check = (xml: string) => [...checkRulesXml(xml, schemas()), ...checkListTypes(xml, schemas())];

describe('applicability rules: rendering each rule kind', () => {
  it('has an example for every rule kind the schema accepts', () => {
    assert.deepEqual(Object.keys(EXAMPLES).sort(), [...LEAF_RULE_NAMES].sort());
  });

  for (const name of LEAF_RULE_NAMES) {
    it(`${name}: accepted by the schema, rendered in the vocabulary, declared by the XSD`, () => {
      const [rule, xml] = EXAMPLES[name];
      const parsed = ApplicabilityRuleSchema.parse(rule);
      assert.equal(renderRule(parsed), xml);
      assert.deepEqual(check(xml), []);
    });
  }

  it('renders And / Or / Not / True / False in the LogicalApplicabilityRules prefix', () => {
    const rule: ApplicabilityRule = {
      type: 'And',
      rules: [{ type: 'Or', rules: [{ type: 'True' }, { type: 'False' }] }, { type: 'Not', rule: EXAMPLES.Processor[0] }],
    };
    const xml = renderRule(ApplicabilityRuleSchema.parse(rule));
    assert.equal(xml, '<lar:And><lar:Or><lar:True /><lar:False /></lar:Or><lar:Not><bar:Processor Architecture="9" /></lar:Not></lar:And>');
    assert.deepEqual(check(xml), []);
  });
});

describe('applicability rules: the XSD check', () => {
  it('reads the XSDs: attributes of the element, of its base type and of its attribute group', () => {
    const bar = schemas().bar;
    assert.deepEqual([...bar.get('FileVersionPrependRegSz')!.attributes.keys()].sort(), ['Comparison', 'Key', 'Path', 'RegType32', 'Subkey', 'Value', 'Version']);
    assert.deepEqual(bar.get('RegDword')!.attributes.get('Data'), { type: 'bt:RegistryValueDword', required: true });
    assert.deepEqual([...schemas().msiar.get('MsiFeatureInstalledForProduct')!.children.keys()], ['Feature', 'Product']);
  });

  it('accepts the real rules of the command-line leaf fixture (266f6222-…-r200)', () => {
    const doc = readFileSync(
      fixturePath('update-metadata', 'wsusss-GetUpdateData-decoded', '266f6222-c89d-43f2-9f8a-69340271e677-r200.DefenderFullDeltas-leaf-commandline-with-file.xml'),
      'utf8',
    );
    const rules = /<upd:IsInstalled>(.*)<\/upd:IsInstalled><upd:IsInstallable>(.*)<\/upd:IsInstallable>/.exec(doc)!;
    assert.deepEqual(check(rules[1]!), []);
    assert.deepEqual(check(rules[2]!), []);
  });

  it('finds undeclared elements and attributes, missing required ones and ill-typed values', () => {
    assert.deepEqual(check('<bar:RegDwrod Key="HKEY_LOCAL_MACHINE" />'), ['bar:RegDwrod is not declared by the bar schema']);
    assert.deepEqual(check('<bar:RegDword Key="HKEY_LOCAL_MACHINE" Subkey="S" Comparison="Equals" Data="-1" Color="red" />'), [
      'bar:RegDword/@Comparison="Equals" is not a bt:ScalarComparison',
      'bar:RegDword/@Data="-1" is not a bt:RegistryValueDword',
      'bar:RegDword/@Color is not declared',
    ]);
    assert.deepEqual(check('<bar:FileVersion Path="a" Version="1.2" Comparison="EqualTo" />'), ['bar:FileVersion/@Version="1.2" is not a bt:Version']);
    assert.deepEqual(check('<msiar:MsiProductInstalled />'), ['msiar:MsiProductInstalled/@ProductCode is required']);
    assert.deepEqual(check('<lar:Not><lar:True /><lar:True /></lar:Not>'), ['lar:Not has 2 children']);
  });
});

describe('applicability rules: what the schema refuses', () => {
  const issues = (rule: unknown) => {
    const result = ApplicabilityRuleSchema.safeParse(rule);
    assert.equal(result.success, false);
    return result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  };

  it('names the attribute at fault', () => {
    assert.match(issues({ type: 'RegDword', key: 'HKEY_LOCAL_MACHINE', subkey: 'S', comparison: 'EqualTo', data: '1' }), /^data: /);
    assert.match(issues({ type: 'FileVersion', path: 'a', comparison: 'EqualTo', version: '1.2' }), /^version: must be a four-part version/);
    assert.match(issues({ type: 'RegKeyExists', key: 'HKLM', subkey: 'S' }), /^key: /);
    assert.match(issues({ type: 'Processor', architecture: 9, color: 'red' }), /color/);
    assert.match(issues({ type: 'And', rules: [{ type: 'Not', rule: { type: 'WindowsVersion', majorVersion: -1 } }] }), /^rules\.0\.rule\.majorVersion: /);
  });

  it('refuses rule kinds outside the vocabulary, and raw XML', () => {
    assert.match(issues({ type: 'MsiPatchInstalled' }), /type/);
    assert.match(issues('<bar:RegDword />'), /object|expected/i);
  });

  it('bounds the depth of a tree', () => {
    let rule: ApplicabilityRule = { type: 'True' };
    for (let i = 0; i < 40; i++) rule = { type: 'Not', rule };
    assert.match(issues(rule), /nest 41 deep/);
  });
});
