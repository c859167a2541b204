import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fixturePath, sharedDir } from '#test-support';
import { readUpdateDocument, XmlTokenizer } from '#wsus-codecs/update-metadata';
import { checkListTypes, checkRulesXml, readRuleSchema } from './domain/applicability-xsd.check.js';
import { CLASSIFICATIONS, LOCALLY_PUBLISHED_PRODUCT_ID } from './domain/classifications.js';
import { describeFile } from './domain/file-digests.js';
import { decidePublish, FIRST_REVISION_NUMBER } from './domain/publish-update.decider.js';
import { type PublishUpdateInput, PublishUpdateRequest } from './domain/publish-update.request.js';
import { generateUpdateDocument } from './domain/update-document.generator.js';

const NOW = new Date('2026-11-25T12:00:00.000Z');
const UPDATE_ID = '3f2b9a61-5c1e-4d7a-9b3e-8a1c2d4e6f70';
const PRODUCT_ID = 'a1b2c3d4-0000-4000-8000-000000000001';
const PREREQ_A = 'be4048db-157c-4532-9582-7f05099590c9';
const PREREQ_B = '59653007-e2e9-4f71-8525-2ff588527978';
const PREREQ_C = '0aac58ee-82a0-4452-a7fa-19f68398f1fa';
const SUPERSEDED = ['ce84983e-b20e-44d7-a412-1fd91fc7bda8', '74e87997-e3b3-45d2-a527-a8877a5162ec'];
const SETUP = Buffer.from('MZ… pretend this is a signed installer\n'.repeat(100));
const README = Buffer.from('Contoso Agent 2.1 readme');

const commandLineInput = (over: Partial<PublishUpdateInput> = {}): PublishUpdateInput => ({
  title: 'Contoso Agent 2.1 & "friends" <beta>',
  description: 'Installs Contoso Agent 2.1.',
  classification: 'Security Updates',
  productIds: [PRODUCT_ID.toUpperCase()],
  kbArticleId: 'KB5001234',
  securityBulletinId: 'CSA-2026-001',
  msrcSeverity: 'Important',
  supportUrl: 'https://contoso.example/support?a=1&b=2',
  moreInfoUrl: 'https://contoso.example/kb/5001234',
  applicability: {
    isInstalled: { type: 'FileVersion', path: 'Contoso\\agent.exe', csidl: 38, comparison: 'GreaterThanOrEqualTo', version: '2.1.0.0' },
    isInstallable: {
      type: 'And',
      rules: [
        { type: 'WindowsVersion', comparison: 'GreaterThanOrEqualTo', majorVersion: 10 },
        { type: 'Processor', architecture: 9 },
        { type: 'Not', rule: { type: 'RegDword', key: 'HKEY_LOCAL_MACHINE', subkey: 'SOFTWARE\\Contoso', value: 'Block', comparison: 'EqualTo', data: 1 } },
      ],
    },
    isSuperseded: { type: 'FileVersion', path: 'Contoso\\agent.exe', csidl: 38, comparison: 'GreaterThan', version: '2.1.0.0' },
  },
  prerequisites: [[PREREQ_A], [PREREQ_B, PREREQ_C]],
  supersededUpdateIds: SUPERSEDED,
  installer: {
    kind: 'commandLine',
    program: 'setup.exe',
    arguments: '/quiet /norestart',
    returnCodes: [
      { code: 0, result: 'Succeeded' },
      { code: 3010, result: 'Succeeded', reboot: true },
      { code: 1603, result: 'Failed' },
    ],
  },
  installation: { rebootBehavior: 'CanRequestReboot', impact: 'Normal', canRequestUserInput: false, requiresNetworkConnectivity: false },
  ...over,
});

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('base64');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('base64');

function publish(input: PublishUpdateInput, files: [string, Buffer][], existing: number[] = []) {
  const outcome = decidePublish(
    PublishUpdateRequest.parse(input),
    files.map(([name, bytes]) => describeFile(name, bytes, NOW.toISOString())),
    existing,
    { newUpdateId: UPDATE_ID, now: NOW },
  );
  assert.ok('decision' in outcome, JSON.stringify(outcome));
  return outcome.decision;
}

/** Top-level element names of a fragment, in order. */
function topLevel(fragment: string): string[] {
  const names: string[] = [];
  let depth = 0;
  const t = new XmlTokenizer(`<w>${fragment}</w>`);
  for (let token = t.next(); token !== undefined; token = t.next()) {
    if (token.kind === 'start') {
      if (depth === 1) names.push(token.name);
      depth++;
    } else if (token.kind === 'end') depth--;
  }
  return names;
}

const ruleSchemas = () => ({
  bar: readRuleSchema(readFileSync(path.join(sharedDir(), 'specs', 'BaseApplicabilityRules.xsd'), 'utf8')),
  msiar: readRuleSchema(readFileSync(path.join(sharedDir(), 'specs', 'MsiApplicabilityRules.xsd'), 'utf8')),
});

describe('published update document: a command-line installer', () => {
  const files: [string, Buffer][] = [
    ['setup.exe', SETUP],
    ['readme.txt', README],
  ];
  const { xml, updateId, revisionNumber } = publish(commandLineInput(), files);

  it('is a CSAPI Update document with a new identity at the first revision number', () => {
    assert.equal(updateId, UPDATE_ID);
    assert.equal(revisionNumber, FIRST_REVISION_NUMBER);
    assert.ok(
      xml.startsWith(
        '<upd:Update xmlns:bar="http://schemas.microsoft.com/msus/2002/12/BaseApplicabilityRules" ' +
          'xmlns:lar="http://schemas.microsoft.com/msus/2002/12/LogicalApplicabilityRules" ' +
          'xmlns:cmd="http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation" ' +
          'xmlns:upd="http://schemas.microsoft.com/msus/2002/12/Update">' +
          `<upd:UpdateIdentity UpdateID="${UPDATE_ID}" RevisionNumber="100" />`,
      ),
      xml.slice(0, 600),
    );
    assert.ok(xml.endsWith('</upd:Update>'));
  });

  it('writes Properties as WSUS stores a locally published update', () => {
    const size = SETUP.length + README.length;
    assert.ok(
      xml.includes(
        '<upd:Properties DefaultPropertiesLanguage="en" CreationDate="2026-11-25T12:00:00.000Z" IsLocallyPublished="true" ' +
          `UpdateType="Software" ExplicitlyDeployable="true" PublicationState="Published" MinDownloadSize="${size}" MaxDownloadSize="${size}" ` +
          'Handler="http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation" MsrcSeverity="Important">' +
          '<upd:InstallationBehavior CanRequestUserInput="false" RequiresNetworkConnectivity="false" Impact="Normal" RebootBehavior="CanRequestReboot" />' +
          '<upd:MoreInfoUrl>https://contoso.example/kb/5001234</upd:MoreInfoUrl><upd:SupportUrl>https://contoso.example/support?a=1&amp;b=2</upd:SupportUrl>' +
          '<upd:SecurityBulletinID>CSA-2026-001</upd:SecurityBulletinID><upd:KBArticleID>5001234</upd:KBArticleID></upd:Properties>',
      ),
    );
  });

  it('names product and classification as IsCategory clauses, then the prerequisite CNF, after SupersededUpdates', () => {
    assert.ok(
      xml.includes(
        '<upd:Relationships><upd:SupersededUpdates>' +
          SUPERSEDED.map((id) => `<upd:UpdateIdentity UpdateID="${id}" />`).join('') +
          '</upd:SupersededUpdates><upd:Prerequisites>' +
          `<upd:AtLeastOne IsCategory="true"><upd:UpdateIdentity UpdateID="${PRODUCT_ID}" /></upd:AtLeastOne>` +
          `<upd:AtLeastOne IsCategory="true"><upd:UpdateIdentity UpdateID="${CLASSIFICATIONS['Security Updates']}" /></upd:AtLeastOne>` +
          `<upd:AtLeastOne><upd:UpdateIdentity UpdateID="${PREREQ_A}" /></upd:AtLeastOne>` +
          `<upd:AtLeastOne><upd:UpdateIdentity UpdateID="${PREREQ_B}" /><upd:UpdateIdentity UpdateID="${PREREQ_C}" /></upd:AtLeastOne>` +
          '</upd:Prerequisites></upd:Relationships>',
      ),
    );
  });

  it('writes IsInstalled, IsSuperseded, IsInstallable in that order, in the bar:/lar: vocabulary', () => {
    assert.ok(
      xml.includes(
        '<upd:ApplicabilityRules><upd:IsInstalled><bar:FileVersion Path="Contoso\\agent.exe" Comparison="GreaterThanOrEqualTo" Version="2.1.0.0" Csidl="38" /></upd:IsInstalled>' +
          '<upd:IsSuperseded><bar:FileVersion Path="Contoso\\agent.exe" Comparison="GreaterThan" Version="2.1.0.0" Csidl="38" /></upd:IsSuperseded>' +
          '<upd:IsInstallable><lar:And><bar:WindowsVersion Comparison="GreaterThanOrEqualTo" MajorVersion="10" /><bar:Processor Architecture="9" />' +
          '<lar:Not><bar:RegDword Key="HKEY_LOCAL_MACHINE" Subkey="SOFTWARE\\Contoso" Value="Block" Comparison="EqualTo" Data="1" /></lar:Not></lar:And></upd:IsInstallable>' +
          '</upd:ApplicabilityRules>',
      ),
    );
    const rules = /<upd:ApplicabilityRules>(.*)<\/upd:ApplicabilityRules>/.exec(xml)![1]!.replace(/<\/?upd:[A-Za-z]+>/g, '');
    assert.deepEqual([...checkRulesXml(rules, ruleSchemas()), ...checkListTypes(rules, ruleSchemas())], []);
  });

  it('declares each file with SHA-1 and SHA-256 computed from its bytes', () => {
    assert.ok(
      xml.includes(
        `<upd:Files><upd:File Digest="${sha1(SETUP)}" FileName="setup.exe" Size="${SETUP.length}" Modified="2026-11-25T12:00:00.000Z" DigestAlgorithm="SHA1">` +
          `<upd:AdditionalDigest Algorithm="SHA256">${sha256(SETUP)}</upd:AdditionalDigest></upd:File>` +
          `<upd:File Digest="${sha1(README)}" FileName="readme.txt" Size="${README.length}" Modified="2026-11-25T12:00:00.000Z" DigestAlgorithm="SHA1">` +
          `<upd:AdditionalDigest Algorithm="SHA256">${sha256(README)}</upd:AdditionalDigest></upd:File></upd:Files>`,
      ),
    );
  });

  it('writes the command line handler as fixture 266f6222-…-r200 does', () => {
    assert.ok(
      xml.endsWith(
        '<upd:HandlerSpecificData xsi:type="cmd:CommandLineInstallation" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
          '<cmd:InstallCommand Program="setup.exe" Arguments="/quiet /norestart"><cmd:ReturnCode Code="0" Result="Succeeded" />' +
          '<cmd:ReturnCode Code="3010" Result="Succeeded" Reboot="true" /><cmd:ReturnCode Code="1603" Result="Failed" /></cmd:InstallCommand>' +
          '</upd:HandlerSpecificData></upd:Update>',
      ),
    );
  });

  it('round-trips through readUpdateDocument: the summary carries back what was published', () => {
    const { summary } = readUpdateDocument(xml);
    assert.deepEqual(summary.identity, { updateId: UPDATE_ID, revisionNumber: 100 });
    assert.equal(summary.updateType, 'Software');
    assert.deepEqual(
      summary.prerequisites.map((c) => ({ ids: c.updateIds, isCategory: c.isCategory })),
      [
        { ids: [PRODUCT_ID], isCategory: true },
        { ids: [CLASSIFICATIONS['Security Updates']], isCategory: true },
        { ids: [PREREQ_A], isCategory: false },
        { ids: [PREREQ_B, PREREQ_C], isCategory: false },
      ],
    );
    assert.deepEqual(summary.categoryIds, [PRODUCT_ID, CLASSIFICATIONS['Security Updates']]);
    assert.deepEqual(summary.supersededUpdateIds, SUPERSEDED);
    assert.deepEqual(
      summary.files.map((f) => ({ name: f.fileName, size: f.size, sha1: f.digest.base64, alg: f.digest.algorithm, sha256: f.sha256Base64 })),
      [
        { name: 'setup.exe', size: SETUP.length, sha1: sha1(SETUP), alg: 'SHA1', sha256: sha256(SETUP) },
        { name: 'readme.txt', size: README.length, sha1: sha1(README), alg: 'SHA1', sha256: sha256(README) },
      ],
    );
    assert.equal(summary.handler, 'http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation');
    assert.equal(summary.handlerSpecificDataType, 'cmd:CommandLineInstallation');
    assert.equal(summary.title, 'Contoso Agent 2.1 & "friends" <beta>');
    assert.equal(summary.description, 'Installs Contoso Agent 2.1.');
    assert.deepEqual(summary.localizedLanguages, ['en']);
    assert.equal(summary.kbArticleId, '5001234');
    assert.equal(summary.securityBulletinId, 'CSA-2026-001');
    assert.equal(summary.supportUrl, 'https://contoso.example/support?a=1&b=2');
    assert.equal(summary.properties['MsrcSeverity'], 'Important');
    assert.equal(summary.isLocallyPublished, true);
    assert.equal(summary.mayRequireReboot, true);
    assert.equal(summary.requiresReboot, false);
    assert.equal(summary.isUninstallable, false);
    assert.equal(summary.isBundle, false);
    assert.equal(summary.hasApplicabilityRules, true);
  });

  it('derives Core and Extended fragments of the shape WSUS serves for a command-line leaf', () => {
    const { fragments } = readUpdateDocument(xml);
    const leaf = readUpdateDocument(
      readFileSync(
        fixturePath('update-metadata', 'wsusss-GetUpdateData-decoded', '266f6222-c89d-43f2-9f8a-69340271e677-r200.DefenderFullDeltas-leaf-commandline-with-file.xml'),
        'utf8',
      ),
    ).fragments;
    assert.deepEqual(topLevel(fragments.core), topLevel(leaf.core));
    assert.deepEqual(topLevel(fragments.extended), topLevel(leaf.extended));
    assert.ok(fragments.core.startsWith(`<UpdateIdentity UpdateID="${UPDATE_ID}" RevisionNumber="100" /><Properties UpdateType="Software" ExplicitlyDeployable="true" /><Relationships>`));
    assert.ok(fragments.core.includes('<IsInstalled><b.FileVersion Path="Contoso\\agent.exe" Comparison="GreaterThanOrEqualTo" Version="2.1.0.0" Csidl="38" /></IsInstalled>'));
    assert.ok(fragments.core.includes('<IsInstallable><And><b.WindowsVersion '));
    assert.ok(!fragments.core.includes('xmlns'), 'namespace declarations are stripped');
    // The served leaf's handler data, element for element: HandlerSpecificData type=…, InstallCommand, ReturnCode.
    assert.match(leaf.extended, /<HandlerSpecificData type="cmd:CommandLineInstallation"><InstallCommand Program="AM_Delta.exe" Arguments="WD \/q"><ReturnCode Code="0" Result="Succeeded" \/><\/InstallCommand><\/HandlerSpecificData>$/);
    assert.ok(
      fragments.extended.endsWith(
        '<HandlerSpecificData type="cmd:CommandLineInstallation"><InstallCommand Program="setup.exe" Arguments="/quiet /norestart">' +
          '<ReturnCode Code="0" Result="Succeeded" /><ReturnCode Code="3010" Result="Succeeded" Reboot="true" /><ReturnCode Code="1603" Result="Failed" />' +
          '</InstallCommand></HandlerSpecificData>',
      ),
    );
    assert.equal(
      fragments.localized.get('en'),
      '<LocalizedProperties><Language>en</Language><Title>Contoso Agent 2.1 &amp; "friends" &lt;beta&gt;</Title><Description>Installs Contoso Agent 2.1.</Description>' +
        '<MoreInfoUrl>https://contoso.example/kb/5001234</MoreInfoUrl><SupportUrl>https://contoso.example/support?a=1&amp;b=2</SupportUrl></LocalizedProperties>',
    );
  });

  it('is deterministic: the same arguments give the same bytes', () => {
    assert.equal(publish(commandLineInput(), files).xml, xml);
  });
});

describe('published update document: an MSI (Windows Installer) application', () => {
  // The values of the locally published MSI served by a real WSUS 2025 (wusp-fragments-windows-installer).
  const CAB = 'bc856cf9-c69e-40bd-acbb-e46cedbdd580_1.cab';
  const bytes = Buffer.alloc(11551, 7);
  const input: PublishUpdateInput = {
    title: 'WSUS MSI test 1.0.0',
    description: 'Installs wsusmsi100.msi.',
    classification: 'Updates',
    // As WSUS packs it: the MSI inside a CAB that WUA expands.
    installer: { kind: 'windowsInstaller', productCode: '{a1b2c3d4-0001-4000-8000-000000000100}', msiFile: 'wsusmsi100.msi' },
    uninstallation: { rebootBehavior: 'CanRequestReboot', impact: 'Normal', canRequestUserInput: false, requiresNetworkConnectivity: false },
  };
  const decision = (() => {
    const outcome = decidePublish(
      PublishUpdateRequest.parse(input),
      [describeFile(CAB, bytes, '2026-10-05T11:00:55.642Z')],
      [],
      { newUpdateId: UPDATE_ID, now: NOW },
    );
    assert.ok('decision' in outcome);
    return outcome.decision;
  })();
  const { fragments, summary } = readUpdateDocument(decision.xml);

  it('derives the Extended fragment the real WSUS served, but for the digests of our bytes and the RepairPath', () => {
    const served = readFileSync(fixturePath('update-metadata', 'wusp-fragments-windows-installer', 'locally-published-msi-wsusmsi100.extended.xml'), 'utf8')
      .trim()
      .replace('br8eaMSqh4RzvhmfbQA546QF5ZM=', sha1(bytes))
      .replace('XSVHYC1Z1ZjQVWyXCXjKcIT6EHtgckWLBFV9KIrHH9k=', sha256(bytes))
      .replace(/<MsiData ([^>]*)><RepairPath [^>]*\/><\/MsiData>/, '<MsiData $1 />');
    assert.equal(fragments.extended, served);
  });

  it('uses the Windows Installer rules reading MsiApplicationMetadata when none are given', () => {
    assert.ok(
      fragments.core.endsWith(
        '<ApplicabilityRules><IsInstalled><m.MsiApplicationInstalled /></IsInstalled><IsInstallable><m.MsiApplicationInstallable /></IsInstallable>' +
          '<Metadata><m.MsiApplicationMetadata><m.ProductCode>{a1b2c3d4-0001-4000-8000-000000000100}</m.ProductCode></m.MsiApplicationMetadata></Metadata></ApplicabilityRules>',
      ),
      fragments.core,
    );
    assert.ok(decision.xml.includes('xmlns:msiar="http://schemas.microsoft.com/msus/2002/12/MsiApplicabilityRules"'));
    assert.ok(decision.xml.includes('xmlns:msp="http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/WindowsInstaller"'));
  });

  it('falls under Locally Published Applications when no product is named', () => {
    assert.deepEqual(summary.categoryIds, [LOCALLY_PUBLISHED_PRODUCT_ID, CLASSIFICATIONS.Updates]);
    assert.equal(summary.handler, 'http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/WindowsInstaller');
    assert.equal(summary.handlerSpecificDataType, 'msp:WindowsInstallerApp');
    assert.equal(summary.isUninstallable, true);
  });
});

describe('re-publishing', () => {
  const first = publish(commandLineInput(), [['setup.exe', SETUP]]);

  it('revision 2 of an update keeps its UpdateID, takes the next RevisionNumber, and may supersede nothing', () => {
    const second = publish(commandLineInput({ updateId: UPDATE_ID.toUpperCase(), supersededUpdateIds: [] }), [['setup.exe', SETUP]], [FIRST_REVISION_NUMBER]);
    assert.equal(second.updateId, UPDATE_ID);
    assert.equal(second.revisionNumber, FIRST_REVISION_NUMBER + 1);
    assert.notEqual(second.xml, first.xml);
    const { summary } = readUpdateDocument(second.xml);
    assert.deepEqual(summary.identity, { updateId: UPDATE_ID, revisionNumber: 101 });
    assert.deepEqual(summary.supersededUpdateIds, []);
    assert.ok(!second.xml.includes('SupersededUpdates'));
  });

  it('numbers after the highest existing revision, whatever the order', () => {
    assert.equal(publish(commandLineInput({ updateId: UPDATE_ID }), [['setup.exe', SETUP]], [103, 100, 101]).revisionNumber, 104);
  });

  it('generateUpdateDocument takes its ids from the arguments only', () => {
    const xml = generateUpdateDocument(PublishUpdateRequest.parse(commandLineInput()), {
      updateId: '00000000-0000-4000-8000-000000000001',
      revisionNumber: 7,
      now: NOW,
      files: [describeFile('setup.exe', SETUP, NOW.toISOString())],
    });
    assert.deepEqual(readUpdateDocument(xml).summary.identity, { updateId: '00000000-0000-4000-8000-000000000001', revisionNumber: 7 });
  });
});

describe('published update document: license terms', () => {
  const en = Buffer.from('Contoso license terms.\n');
  const de = Buffer.from('Contoso Lizenzbedingungen.\n');
  const eulaFile = (language: string, fileName: string, bytes: Buffer, geoId: string | null = null) => ({
    language,
    geoId,
    fileName,
    size: bytes.length,
    sha1: sha1(bytes),
    sha256: sha256(bytes),
  });
  const files = [eulaFile('en', 'eula_en.txt', en), eulaFile('de', 'eula_de.txt', de, 'DEU')];
  const decide = (eula: Parameters<typeof decidePublish>[4]) =>
    decidePublish(PublishUpdateRequest.parse(commandLineInput()), [describeFile('setup.exe', SETUP, NOW.toISOString())], [], { newUpdateId: UPDATE_ID, now: NOW }, eula);

  it('declares Properties/@EulaID and one EulaFile per language after the LocalizedProperties, read back as WSUS documents are', () => {
    const outcome = decide({ eulaId: '0b1c2d3e-0000-4000-8000-000000000001', files });
    assert.ok('decision' in outcome, JSON.stringify(outcome));
    const { summary, fragments } = readUpdateDocument(outcome.decision.xml);
    assert.equal(summary.eulaId, '0b1c2d3e-0000-4000-8000-000000000001');
    assert.deepEqual(
      summary.eulaFiles.map((f) => ({ language: f.language, geoId: f.geoId, fileName: f.fileName, size: f.size, digest: f.digest?.base64 })),
      [
        { language: 'en', geoId: undefined, fileName: 'eula_en.txt', size: en.length, digest: sha1(en) },
        { language: 'de', geoId: 'DEU', fileName: 'eula_de.txt', size: de.length, digest: sha1(de) },
      ],
    );
    assert.deepEqual(fragments.eula.map((f) => [f.locale, f.geoId ?? null]), [['en', null], ['de', 'DEU']]);
    assert.match(
      fragments.eula[0]!.xml,
      new RegExp(`^<EulaFile Digest="${sha1(en).replace(/[+/]/g, '\\$&')}" DigestAlgorithm="SHA1" FileName="eula_en.txt" Size="${en.length}" Language="en"><AdditionalDigest Algorithm="SHA256">`),
    );
    // The EulaID survives into the Core fragment, as MS-WUSP §3.1.1.1 keeps it.
    assert.match(fragments.core, /EulaID="0b1c2d3e-0000-4000-8000-000000000001"/);
  });

  it('names the terms by their texts when no EulaID is given: same texts, same id; other texts, another', () => {
    const first = decide({ files });
    const again = decide({ files: [...files].reverse() });
    const other = decide({ files: [eulaFile('en', 'eula_en.txt', Buffer.from('Other terms.'))] });
    assert.ok('decision' in first && 'decision' in again && 'decision' in other);
    const idOf = (xml: string) => readUpdateDocument(xml).summary.eulaId;
    assert.match(idOf(first.decision.xml) ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(idOf(first.decision.xml), idOf(again.decision.xml));
    assert.notEqual(idOf(first.decision.xml), idOf(other.decision.xml));
  });

  it('refuses two texts for the same language and region', () => {
    const outcome = decide({ files: [files[0]!, eulaFile('en', 'other.txt', de)] });
    assert.ok('problems' in outcome);
    assert.deepEqual(outcome.problems.map((p) => p.field), ['eula.files.1']);
  });

  it('writes no EulaID and no EulaFile without terms', () => {
    const outcome = decide(undefined);
    assert.ok('decision' in outcome);
    assert.doesNotMatch(outcome.decision.xml, /Eula/);
  });
});
