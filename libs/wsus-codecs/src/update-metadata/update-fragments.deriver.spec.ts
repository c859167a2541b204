import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { deriveFragments, parseUpdateDocument } from './update-document.parser.js';
import { readUpdateDocument } from './update-document.reader.js';
import {
  DOCUMENTS,
  documentFromFragments,
  readDocument,
  readFragmentFixture,
  servedFragments,
} from './update-metadata.fixtures.js';

/**
 * Fixture pairs (full document + what a real WSUS served for that same revision):
 * - 56309036-4C77-… r101 (category "Microsoft", server RevisionID 108226): Core in
 *   wusp-native-scan/06-SyncUpdates-first.response.xml; Extended and LocalizedProperties(en) in
 *   wusp-native-scan/10-GetExtendedUpdateInfo.response.xml.
 * That is the only pair in ../shared/fixtures. The served fragments under update-metadata/ belong
 * to revisions whose documents are not in the fixtures, so they are checked by the inverse test
 * below; no fixture holds a served Eula fragment, so Eula is checked against the spec rule only.
 */
describe('deriveFragments: byte-equal to what WSUS served for the same revision', () => {
  const category = deriveFragments(readDocument(DOCUMENTS.categoryMicrosoft));

  it('Core of category 56309036 r101 equals SyncUpdates UpdateInfo 108226 <Xml>', () => {
    const served = servedFragments('06-SyncUpdates-first.response.xml');
    assert.equal(served.length, 1);
    assert.equal(served[0]?.id, 108226);
    assert.equal(category.core, served[0]?.xml);
  });

  it('Extended and LocalizedProperties(en) equal GetExtendedUpdateInfo Update 108226 <Xml>', () => {
    const served = servedFragments('10-GetExtendedUpdateInfo.response.xml').filter((s) => s.id === 108226);
    assert.equal(served.length, 2);
    const [extended, localized] = served;
    assert.equal(category.extended, extended?.xml);
    assert.equal(category.localized.get('en'), localized?.xml);
  });
});

/**
 * Real-server cross-checks for software revisions. These served strings come from the same
 * upstream capture set as the fixtures (CaddyGlow/wsus-rs docs/fixtures/wsus-m0-native/flow/000015,
 * GetExtendedUpdateInfo, RevisionIDs 197762 = 266f6222 r200 and 200996 = a2fef9b0 r200) but that
 * exchange is not in ../shared/fixtures, so they are quoted here.
 */
describe('deriveFragments: Extended of software revisions as served in upstream capture flow/000015', () => {
  it('266f6222 r200 (command-line leaf with a file)', () => {
    const served =
      '<ExtendedProperties DefaultPropertiesLanguage="en" Handler="http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation" MaxDownloadSize="11606440" MinDownloadSize="0"><InstallationBehavior Impact="Minor" /></ExtendedProperties>' +
      '<Files><File Digest="h/W9BGlYUAaqXTp30cZi/SiV3c0=" DigestAlgorithm="SHA1" FileName="AM_Delta.exe" Size="11606440" Modified="2026-10-04T09:39:26Z"><AdditionalDigest Algorithm="SHA256">Amt0qymy5KsROiwIXm4QIIV75Ju4r+Cl28Pg8gaLXUA=</AdditionalDigest></File></Files>' +
      '<HandlerSpecificData type="cmd:CommandLineInstallation"><InstallCommand Program="AM_Delta.exe" Arguments="WD /q"><ReturnCode Code="0" Result="Succeeded" /></InstallCommand></HandlerSpecificData>';
    assert.equal(deriveFragments(readDocument(DOCUMENTS.defenderFullDeltasLeaf)).extended, served);
  });

  it('a2fef9b0 r200 (KB2267602 bundle): Properties children kept, removed attributes dropped', () => {
    const served =
      '<ExtendedProperties DefaultPropertiesLanguage="en" MaxDownloadSize="0" MinDownloadSize="0"><SupportUrl>https://go.microsoft.com/fwlink/?LinkId=52661</SupportUrl><KBArticleID>2267602</KBArticleID></ExtendedProperties>';
    assert.equal(deriveFragments(readDocument(DOCUMENTS.kb2267602Bundle)).extended, served);
  });
});

describe('deriveFragments: the fixture documents follow the MS-WUSP §3.1.1.1 split', () => {
  it('Core of the KB2267602 bundle keeps the Core attributes in spec order and drops Properties children', () => {
    const { core } = deriveFragments(readDocument(DOCUMENTS.kb2267602Bundle));
    // Document order is AutoSelectOnWebSites, ExplicitlyDeployable; WSUS serves the spec order
    // (observed-interop.md §A.3 for the sibling revisions of KB2267602).
    assert.ok(
      core.startsWith(
        '<UpdateIdentity UpdateID="a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe" RevisionNumber="200" />' +
          '<Properties UpdateType="Software" ExplicitlyDeployable="true" AutoSelectOnWebSites="true" />' +
          '<Relationships><SupersededUpdates><UpdateIdentity UpdateID="ce84983e-b20e-44d7-a412-1fd91fc7bda8" />',
      ),
    );
    assert.ok(core.endsWith('</AtLeastOne></BundledUpdates></Relationships>'));
    assert.doesNotMatch(core, /SupportUrl|KBArticleID|LocalizedProperties|xmlns|upd:/);
  });

  it('Core of the leaf renames BaseApplicabilityRules elements to b.* and strips lar:', () => {
    const { core } = deriveFragments(readDocument(DOCUMENTS.defenderFullDeltasLeaf));
    assert.ok(core.includes('<ApplicabilityRules><IsInstalled><And><Not><b.RegDword Key="HKEY_LOCAL_MACHINE"'));
    assert.ok(core.includes('<Properties UpdateType="Software" /><Relationships><Prerequisites>'));
    assert.doesNotMatch(core, /bar:|lar:|xmlns|InstallationBehavior|Files|HandlerSpecificData/);
  });

  it('MpSigStub bundle: no ApplicabilityRules, empty Properties self-closed in both fragments', () => {
    const { core, extended, localized, eula } = deriveFragments(readDocument(DOCUMENTS.mpSigStubBundle));
    assert.equal(
      core,
      '<UpdateIdentity UpdateID="ccb78947-6453-4ecc-9de8-bc0305c98f2d" RevisionNumber="200" />' +
        '<Properties UpdateType="Software" />' +
        '<Relationships><Prerequisites><AtLeastOne><UpdateIdentity UpdateID="e0789628-ce08-4437-be74-2495b842f43b" /></AtLeastOne>' +
        '<AtLeastOne><UpdateIdentity UpdateID="8c3fcc84-7410-4a95-8b89-a166a0190486" /></AtLeastOne></Prerequisites>' +
        '<BundledUpdates><AtLeastOne><UpdateIdentity UpdateID="b6f443c9-ad38-4347-bab3-f1dc0b03d533" RevisionNumber="200" />' +
        '<UpdateIdentity UpdateID="0daf8592-9e3f-4a8a-9141-d83fafebd09f" RevisionNumber="200" />' +
        '<UpdateIdentity UpdateID="4c0a0a90-4bd5-4fe5-b306-8dbd6fde30a0" RevisionNumber="200" />' +
        '<UpdateIdentity UpdateID="e052d9bd-e49c-4d6e-876e-005b49b89812" RevisionNumber="200" /></AtLeastOne></BundledUpdates></Relationships>',
    );
    assert.equal(extended, '<ExtendedProperties DefaultPropertiesLanguage="en" />');
    assert.deepEqual([...localized.keys()], ['en']);
    assert.deepEqual(eula, []);
  });

  it('one LocalizedProperties fragment per language, keyed as the document writes it', () => {
    const { localized } = deriveFragments(readDocument(DOCUMENTS.kb2267602Bundle));
    assert.equal(localized.size, 35);
    assert.ok(localized.has('pt-br'));
    assert.ok(localized.get('de')?.startsWith('<LocalizedProperties><Language>de</Language><Title>'));
    const category = deriveFragments(readDocument(DOCUMENTS.categoryMicrosoft));
    assert.equal(category.localized.size, 24);
    assert.equal(
      category.localized.get('zh-tw'),
      '<LocalizedProperties><Language>zh-tw</Language><Title>Microsoft</Title><Description>Microsoft</Description></LocalizedProperties>',
    );
  });
});

/**
 * Served fragments without their document (update-metadata/wusp-fragments-*): rebuild a document
 * from them (see documentFromFragments) and check the split gives the served bytes back. This
 * exercises the shapes those fragments contain — b.* applicability rules, DeviceAttribute trees,
 * a foreign default namespace inside CBS Metadata, `<package …></package>`, PatchingType files,
 * `type="cbs:Cbs"` / `type="msp:WindowsInstallerApp"` — but it is a synthetic round trip, not a
 * WSUS-served pair.
 */
describe('deriveFragments: served fragment shapes survive a document round trip', () => {
  const synthCore = '<UpdateIdentity UpdateID="00000000-0000-0000-0000-000000000001" RevisionNumber="1" /><Properties UpdateType="Software" />';
  const cases: { name: string; folder: string; core?: string; extended?: string }[] = [
    {
      name: 'Defender security-intelligence bundle core (24 BundledUpdates)',
      folder: 'wusp-fragments-served-to-native-wua',
      core: '1f9bd9bb-7390-4aa3-bbdb-ded99fac2583-r200.DefenderSecIntel-bundle.core.xml',
    },
    {
      name: 'Defender engine leaf core (b.* rules, nested And/Or/Not)',
      folder: 'wusp-fragments-served-to-native-wua',
      core: 'ff36f0b5-dded-4780-8664-cd78af8b62c1-r200.DefenderEngine-leaf.core.xml',
    },
    {
      name: 'OS installer core + extended',
      folder: 'wusp-fragments-windows11-servicing',
      core: 'Client.OS.RS2.ARM64-10.0.22621.5909-osinstaller.core.xml',
      extended: 'Client.OS.RS2.ARM64-10.0.22621.5909-osinstaller.extended.xml',
    },
    {
      name: 'KB5017029 CBS core (reduced) + extended',
      folder: 'wusp-fragments-windows11-servicing',
      core: 'KB5017029-dotnet481-rollup-cbs.core-REDUCED.xml',
      extended: 'KB5017029-dotnet481-rollup-cbs.extended.xml',
    },
    {
      name: 'KB5026368 CBS core (reduced) + extended',
      folder: 'wusp-fragments-windows11-servicing',
      core: 'KB5026368-RollupFix-SecurityUpdate-arm64-cbs.core-REDUCED.xml',
      extended: 'KB5026368-RollupFix-SecurityUpdate-arm64-cbs.extended.xml',
    },
    {
      name: 'locally published MSI extended',
      folder: 'wusp-fragments-windows-installer',
      extended: 'locally-published-msi-wsusmsi100.extended.xml',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const core = c.core === undefined ? synthCore : readFragmentFixture(c.folder, c.core);
      const extended = c.extended === undefined ? '' : readFragmentFixture(c.folder, c.extended);
      const derived = deriveFragments(documentFromFragments(core, extended));
      assert.equal(derived.core, core);
      if (c.extended !== undefined) assert.equal(derived.extended, extended);
    });
  }

  it('the CBS Metadata keeps its asm.v3 default namespace and explicit empty element', () => {
    const core = readFragmentFixture('wusp-fragments-windows11-servicing', 'KB5026368-RollupFix-SecurityUpdate-arm64-cbs.core-REDUCED.xml');
    const derived = deriveFragments(documentFromFragments(core, '')).core;
    assert.ok(derived.includes('<assembly xmlns="urn:schemas-microsoft-com:asm.v3" manifestVersion="1.0"'));
    assert.ok(derived.includes('restart="possible"></package></assembly>'));
  });
});

describe('deriveFragments: rules without a served example in the fixtures (spec-checked)', () => {
  const wrap = (inner: string, extraNs = ''): string =>
    `<upd:Update xmlns:upd="http://schemas.microsoft.com/msus/2002/12/Update"${extraNs}>` +
    '<upd:UpdateIdentity UpdateID="11111111-2222-3333-4444-555555555555" RevisionNumber="7" />' +
    inner +
    '</upd:Update>';

  it('EulaFile under LocalizedPropertiesCollection becomes one Eula fragment per file (MS-WUSP §3.1.1.1, <43>, <44>)', () => {
    const xml = wrap(
      '<upd:Properties UpdateType="Software" EulaID="0b1c2d3e-0000-4000-8000-000000000001" />' +
        '<upd:LocalizedPropertiesCollection>' +
        '<upd:LocalizedProperties><upd:Language>en</upd:Language><upd:Title>T</upd:Title></upd:LocalizedProperties>' +
        '<upd:EulaFile Digest="2jmj7l5rSw0yVb/vlWAYkK/YBwk=" DigestAlgorithm="SHA1" FileName="eula_en.txt" Size="0" Language="en">' +
        '<upd:AdditionalDigest Algorithm="SHA256">47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=</upd:AdditionalDigest></upd:EulaFile>' +
        '<upd:EulaFile Digest="2jmj7l5rSw0yVb/vlWAYkK/YBwk=" DigestAlgorithm="SHA1" FileName="eula_de.txt" Size="0" Language="de" GeoId="DEU" />' +
        '</upd:LocalizedPropertiesCollection>',
    );
    const { fragments, summary } = readUpdateDocument(xml);
    assert.deepEqual(fragments.eula, [
      {
        locale: 'en',
        geoId: undefined,
        xml:
          '<EulaFile Digest="2jmj7l5rSw0yVb/vlWAYkK/YBwk=" DigestAlgorithm="SHA1" FileName="eula_en.txt" Size="0" Language="en">' +
          '<AdditionalDigest Algorithm="SHA256">47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=</AdditionalDigest></EulaFile>',
      },
      {
        locale: 'de',
        geoId: 'DEU',
        xml: '<EulaFile Digest="2jmj7l5rSw0yVb/vlWAYkK/YBwk=" DigestAlgorithm="SHA1" FileName="eula_de.txt" Size="0" Language="de" GeoId="DEU" />',
      },
    ]);
    assert.equal(fragments.core.includes('EulaID="0b1c2d3e-0000-4000-8000-000000000001"'), true);
    assert.equal(fragments.extended, '<ExtendedProperties />');
    assert.equal(summary.hasEula, true);
    assert.equal(summary.eulaFiles[1]?.geoId, 'DEU');
  });

  it('m. and d. prefixes follow the namespace, not the prefix the document chose', () => {
    const xml = wrap(
      '<upd:Properties UpdateType="Driver" /><upd:ApplicabilityRules>' +
        '<upd:IsInstalled><x:ProductInstalled xmlns:x="http://schemas.microsoft.com/msus/2002/12/MsiApplicabilityRules" ProductCode="{1}" /></upd:IsInstalled>' +
        '<upd:Metadata><WindowsDriverMetaData xmlns="http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/WindowsDriver" HardwareID="pci\\ven_1" DriverVerDate="2020-01-01" DriverVerVersion="1.0.0.0" Class="Net">' +
        '<FeatureScore OperatingSystem="amd64.10.0" FeatureScore="255" />' +
        '<DistributionComputerHardwareId>{AAAAAAAA-0000-0000-0000-000000000001}</DistributionComputerHardwareId>' +
        '</WindowsDriverMetaData></upd:Metadata></upd:ApplicabilityRules>',
    );
    const { fragments, summary } = readUpdateDocument(xml);
    assert.equal(
      fragments.core.slice(fragments.core.indexOf('<ApplicabilityRules>')),
      '<ApplicabilityRules><IsInstalled><m.ProductInstalled ProductCode="{1}" /></IsInstalled><Metadata>' +
        '<d.WindowsDriverMetaData HardwareID="pci\\ven_1" DriverVerDate="2020-01-01" DriverVerVersion="1.0.0.0" Class="Net">' +
        '<d.FeatureScore OperatingSystem="amd64.10.0" FeatureScore="255" />' +
        '<d.DistributionComputerHardwareId>{AAAAAAAA-0000-0000-0000-000000000001}</d.DistributionComputerHardwareId>' +
        '</d.WindowsDriverMetaData></Metadata></ApplicabilityRules>',
    );
    assert.equal(summary.updateType, 'Driver');
    assert.deepEqual(summary.drivers[0]?.featureScores, [{ operatingSystem: 'amd64.10.0', featureScore: 255 }]);
    assert.deepEqual(summary.drivers[0]?.distributionComputerHardwareIds, ['aaaaaaaa-0000-0000-0000-000000000001']);
    assert.equal(summary.drivers[0]?.hardwareId, 'pci\\ven_1');
    assert.equal(summary.drivers[0]?.class, 'Net');
  });

  it('PerUser and the spec-listed attributes never reach Extended; text and attributes are re-escaped', () => {
    const xml = wrap(
      '<upd:Properties UpdateType="Software" PerUser="false" IsPublic="true" LegacyName="L" DetectoidType="x" OSUpgrade="1" Handler="h&amp;&quot;">' +
        '<upd:SupportUrl>http://a/?x=1&amp;y=&lt;2&gt;</upd:SupportUrl></upd:Properties>',
    );
    const { core, extended } = deriveFragments(xml);
    assert.equal(
      extended,
      '<ExtendedProperties Handler="h&amp;&quot;"><SupportUrl>http://a/?x=1&amp;y=&lt;2&gt;</SupportUrl></ExtendedProperties>',
    );
    assert.ok(core.endsWith('<Properties UpdateType="Software" OSUpgrade="1" />'));
  });
});

describe('deriveFragments: large documents', () => {
  it('splits a ~24 MB document with a big CBS manifest in linear time', () => {
    const component = (i: number): string =>
      `<component name="c${i}" version="10.0.${i}.1" processorArchitecture="amd64" language="neutral" publicKeyToken="31bf3856ad364e35"><file name="f${i}.dll" /></component>`;
    const manifest: string[] = [];
    for (let i = 0; i < 150_000; i++) manifest.push(component(i));
    const xml =
      '<upd:Update xmlns:upd="http://schemas.microsoft.com/msus/2002/12/Update">' +
      '<upd:UpdateIdentity UpdateID="11111111-2222-3333-4444-555555555555" RevisionNumber="200" />' +
      '<upd:Properties UpdateType="Software" DefaultPropertiesLanguage="en" />' +
      '<upd:ApplicabilityRules><upd:Metadata><upd:CbsPackageApplicabilityMetadata>' +
      `<assembly xmlns="urn:schemas-microsoft-com:asm.v3">${manifest.join('')}</assembly>` +
      '</upd:CbsPackageApplicabilityMetadata></upd:Metadata></upd:ApplicabilityRules></upd:Update>';
    assert.ok(xml.length > 20_000_000);
    const started = performance.now();
    const { core } = deriveFragments(xml);
    const elapsed = performance.now() - started;
    assert.ok(core.endsWith(`${component(149_999)}</assembly></CbsPackageApplicabilityMetadata></Metadata></ApplicabilityRules>`));
    // Generous bound for slow CI; a quadratic splitter takes minutes here.
    assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
    assert.equal(parseUpdateDocument(xml).hasApplicabilityRules, true);
  });
});
