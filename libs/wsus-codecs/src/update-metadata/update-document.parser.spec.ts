import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseUpdateDocument } from './update-document.parser.js';
import { UpdateMetadataError, type UpdateMetadataErrorCode } from './update-metadata.errors.js';
import { DOCUMENTS, documentFromFragments, readDocument, readFragmentFixture } from './update-metadata.fixtures.js';

/** Expected values below were read from the fixture files by hand. */
describe('parseUpdateDocument: fixture documents', () => {
  it('266f6222 r200: command-line leaf with one file and four prerequisite clauses', () => {
    const s = parseUpdateDocument(readDocument(DOCUMENTS.defenderFullDeltasLeaf));
    assert.deepEqual(s.identity, { updateId: '266f6222-c89d-43f2-9f8a-69340271e677', revisionNumber: 200 });
    assert.equal(s.updateType, 'Software');
    assert.equal(s.handler, 'http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation');
    assert.equal(s.handlerSpecificDataType, 'cmd:CommandLineInstallation');
    assert.equal(s.isBundle, false);
    assert.deepEqual(s.prerequisites, [
      { updateIds: ['be4048db-157c-4532-9582-7f05099590c9'], isCategory: false, atLeastOne: false },
      { updateIds: ['59653007-e2e9-4f71-8525-2ff588527978'], isCategory: false, atLeastOne: false },
      { updateIds: ['0aac58ee-82a0-4452-a7fa-19f68398f1fa'], isCategory: false, atLeastOne: false },
      { updateIds: ['8c3fcc84-7410-4a95-8b89-a166a0190486'], isCategory: false, atLeastOne: true },
    ]);
    assert.deepEqual(s.files, [
      {
        fileName: 'AM_Delta.exe',
        size: 11606440,
        modified: '2026-10-04T09:39:26Z',
        digest: { algorithm: 'SHA1', base64: 'h/W9BGlYUAaqXTp30cZi/SiV3c0=', hex: '87F5BD0469585006AA5D3A77D1C662FD2895DDCD' },
        additionalDigests: [
          {
            algorithm: 'SHA256',
            base64: 'Amt0qymy5KsROiwIXm4QIIV75Ju4r+Cl28Pg8gaLXUA=',
            hex: '026B74AB29B2E4AB113A2C085E6E1020857BE49BB8AFE0A5DBC3E0F2068B5D40',
          },
        ],
        sha256Base64: 'Amt0qymy5KsROiwIXm4QIIV75Ju4r+Cl28Pg8gaLXUA=',
        patchingType: undefined,
        isEncrypted: false,
      },
    ]);
    assert.equal(s.maxDownloadSize, 11606440);
    assert.equal(s.minDownloadSize, 0);
    assert.equal(s.installationBehavior?.impact, 'Minor');
    assert.equal(s.installationBehavior?.rebootBehavior, 'NeverReboots');
    assert.equal(s.requiresReboot, false);
    assert.equal(s.canRequestUserInput, false);
    assert.equal(s.isUninstallable, false);
    assert.equal(s.title, 'Full Deltas 1.459.547.0 for Defender amd64fre [Ring0, Ring1, Ring2, Ring3, Ring4, Broad, Delayed]');
    assert.equal(s.description, undefined);
    assert.deepEqual(s.localizedLanguages, ['en']);
    assert.equal(s.hasApplicabilityRules, true);
    assert.equal(s.publicationState, 'Published');
    assert.equal(s.creationDate, '2026-10-04T12:00:58.287Z');
    assert.equal(s.publisherId, 'bccf8ca0-2819-4598-8d15-c1506e363e92');
    assert.equal(s.isPublic, true);
    assert.equal(s.hasEula, false);
  });

  it('56309036 r101: Company category, upper-case UpdateID normalised, 24 localizations', () => {
    const s = parseUpdateDocument(readDocument(DOCUMENTS.categoryMicrosoft));
    assert.deepEqual(s.identity, { updateId: '56309036-4c77-4dd9-951a-99ee9c246a94', revisionNumber: 101 });
    assert.equal(s.updateType, 'Category');
    assert.equal(s.category?.categoryType, 'Company');
    assert.deepEqual(s.category?.attributes, {
      CategoryType: 'Company',
      ProhibitsSubcategories: 'false',
      ProhibitsUpdates: 'true',
      DisplayOrder: '1',
    });
    assert.equal(s.handlerSpecificDataType, 'cat:Category');
    assert.deepEqual(s.prerequisites, []);
    assert.deepEqual(s.files, []);
    assert.equal(s.isPublic, true);
    assert.equal(s.title, 'Microsoft');
    assert.equal(s.description, 'Microsoft');
    assert.equal(s.localizedLanguages.length, 24);
    assert.deepEqual(s.localizedLanguages.slice(0, 6), ['ar', 'cs', 'da', 'de', 'el', 'en']);
    assert.deepEqual(s.localizedLanguages.slice(-3), ['tr', 'zh-cn', 'zh-tw']);
    assert.equal(s.creationDate, '2005-09-22T00:05:11.471Z');
  });

  it('a2fef9b0 r200: KB2267602 bundle with supersedence, category clauses and 4 bundle clauses', () => {
    const s = parseUpdateDocument(readDocument(DOCUMENTS.kb2267602Bundle));
    assert.deepEqual(s.identity, { updateId: 'a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe', revisionNumber: 200 });
    assert.equal(s.isBundle, true);
    assert.equal(s.explicitlyDeployable, true);
    assert.equal(s.autoSelectOnWebSites, true);
    assert.equal(s.kbArticleId, '2267602');
    assert.equal(s.supportUrl, 'https://go.microsoft.com/fwlink/?LinkId=52661');
    assert.equal(s.handler, undefined);
    assert.deepEqual(s.prerequisites, [
      { updateIds: ['be4048db-157c-4532-9582-7f05099590c9'], isCategory: false, atLeastOne: false },
      { updateIds: ['0aac58ee-82a0-4452-a7fa-19f68398f1fa'], isCategory: false, atLeastOne: false },
      { updateIds: ['e0789628-ce08-4437-be74-2495b842f43b'], isCategory: true, atLeastOne: true },
      { updateIds: ['8c3fcc84-7410-4a95-8b89-a166a0190486'], isCategory: true, atLeastOne: true },
    ]);
    assert.deepEqual(s.categoryIds, ['e0789628-ce08-4437-be74-2495b842f43b', '8c3fcc84-7410-4a95-8b89-a166a0190486']);
    assert.deepEqual(s.supersededUpdateIds, [
      'ce84983e-b20e-44d7-a412-1fd91fc7bda8',
      '74e87997-e3b3-45d2-a527-a8877a5162ec',
      '1594b429-a8c5-4b0d-ac86-79b0a826a847',
      'b2a92e00-dfa3-4fd0-b285-8d961303b0ca',
      '22281ef5-bbea-4576-af48-6aa6bafbb5b3',
      'cb326352-0184-4dfb-96eb-8817727cbe7f',
      '42e65fc7-a953-4d7f-9277-54e3a265200e',
      'cf3a401d-e198-47ba-97a4-debb550f5b39',
      '391d3487-e6f5-4bd0-a607-7e29f9fbd88e',
      'bb663b81-45db-43cb-8bfa-33411e0d8a1f',
    ]);
    assert.deepEqual(
      s.bundledUpdates.map((c) => c.members.length),
      [7, 7, 7, 103],
    );
    assert.deepEqual(s.bundledUpdates[0]?.members[5], { updateId: 'ccb78947-6453-4ecc-9de8-bc0305c98f2d', revisionNumber: 200 });
    assert.deepEqual(s.bundledUpdates[1]?.members[5], { updateId: '1f9bd9bb-7390-4aa3-bbdb-ded99fac2583', revisionNumber: 200 });
    assert.deepEqual(s.bundledUpdates[3]?.members[2], { updateId: '266f6222-c89d-43f2-9f8a-69340271e677', revisionNumber: 200 });
    assert.equal(s.localizedLanguages.length, 35);
    assert.equal(
      s.title,
      'Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.459.547.0) - Current Channel (Broad)',
    );
    assert.ok(s.description?.startsWith('Install this update to revise the files'));
    assert.deepEqual(s.files, []);
    assert.equal(s.hasApplicabilityRules, false);
  });

  it('ccb78947 r200: hidden bundle, AtLeastOne clauses without IsCategory, no applicability rules', () => {
    const s = parseUpdateDocument(readDocument(DOCUMENTS.mpSigStubBundle));
    assert.deepEqual(s.identity, { updateId: 'ccb78947-6453-4ecc-9de8-bc0305c98f2d', revisionNumber: 200 });
    assert.deepEqual(s.prerequisites, [
      { updateIds: ['e0789628-ce08-4437-be74-2495b842f43b'], isCategory: false, atLeastOne: true },
      { updateIds: ['8c3fcc84-7410-4a95-8b89-a166a0190486'], isCategory: false, atLeastOne: true },
    ]);
    assert.deepEqual(s.categoryIds, []);
    assert.deepEqual(s.bundledUpdates, [
      {
        members: [
          { updateId: 'b6f443c9-ad38-4347-bab3-f1dc0b03d533', revisionNumber: 200 },
          { updateId: '0daf8592-9e3f-4a8a-9141-d83fafebd09f', revisionNumber: 200 },
          { updateId: '4c0a0a90-4bd5-4fe5-b306-8dbd6fde30a0', revisionNumber: 200 },
          { updateId: 'e052d9bd-e49c-4d6e-876e-005b49b89812', revisionNumber: 200 },
        ],
      },
    ]);
    assert.equal(s.isBundle, true);
    assert.equal(s.hasApplicabilityRules, false);
    assert.equal(s.title, 'HIDDEN: Defender MpSigStub 1.1.24010.2001 for EngineBroad (Installer 1.1.24010.2001-Q)');
  });
});

describe('parseUpdateDocument: files of the served servicing fragments (documents rebuilt from them)', () => {
  const folder = 'wusp-fragments-windows11-servicing';
  const rebuilt = (core: string, extended: string): string =>
    documentFromFragments(readFragmentFixture(folder, core), readFragmentFixture(folder, extended));

  it('OS installer: 14 files (the sidecar says 13), sizes above 2^31, PatchingType kept, language "all"', () => {
    const s = parseUpdateDocument(
      rebuilt('Client.OS.RS2.ARM64-10.0.22621.5909-osinstaller.core.xml', 'Client.OS.RS2.ARM64-10.0.22621.5909-osinstaller.extended.xml'),
    );
    assert.deepEqual(s.identity, { updateId: 'f97b86e6-5c6c-4366-b948-b5426295a5a7', revisionNumber: 100 });
    assert.equal(s.files.length, 14);
    assert.equal(s.maxDownloadSize, 8873450114);
    const fod = s.files.find((f) => f.fileName === 'ABBC22B8FD21EACE6878B695DD9BA6B9108B6D3F_FeatureOnDemand.wim');
    assert.equal(fod?.size, 3927955052);
    assert.equal(fod?.patchingType, 'SelfContained');
    assert.equal(fod?.digest.base64, 'q7wiuP0h6s5oeLaV3ZumuRCLbT8=');
    assert.equal(fod?.digest.hex, 'ABBC22B8FD21EACE6878B695DD9BA6B9108B6D3F');
    assert.deepEqual(s.languages, ['all']);
    assert.deepEqual(s.categoryIds, ['72e7624a-5b00-45d2-b92f-e561c0a6a160', '0fa1201d-4330-4fa8-8ae9-b877473b6441']);
    assert.equal(s.handlerSpecificDataType, 'OSInstallerMetadata');
    assert.equal(s.mayRequireReboot, true);
  });

  it('KB5017029 CBS: cab digest matches the one GetFileLocations served, uninstallable', () => {
    const s = parseUpdateDocument(rebuilt('KB5017029-dotnet481-rollup-cbs.core-REDUCED.xml', 'KB5017029-dotnet481-rollup-cbs.extended.xml'));
    assert.equal(s.files[0]?.digest.base64, 'hlQslyYcRtWzeaQ+yJX5fq9Am6I=');
    assert.equal(s.files[0]?.sha256Base64, 'QmjzWV4zq8fre2YVitOhlYyuaps+4ILVJu0kxm263rw=');
    assert.equal(s.properties['CompatibleProtocolVersion'], '1.4');
    assert.equal(s.isUninstallable, true);
    assert.equal(s.handler, 'http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/Cbs');
  });
});

describe('parseUpdateDocument: flags and behaviours', () => {
  const doc = (properties: string): string =>
    '<Update xmlns="http://schemas.microsoft.com/msus/2002/12/Update">' +
    '<UpdateIdentity UpdateID="11111111-2222-3333-4444-555555555555" RevisionNumber="3" />' +
    properties +
    '</Update>';

  it('reads reboot, user input, uninstall and content languages (default-namespace document)', () => {
    const s = parseUpdateDocument(
      doc(
        '<Properties UpdateType="Software" IsPublic="false" IsLocallyPublished="1" PerUser="false">' +
          '<InstallationBehavior RebootBehavior="AlwaysRequiresReboot" CanRequestUserInput="true" RequiresNetworkConnectivity="true" Impact="RequiresExclusiveHandling" />' +
          '<UninstallationBehavior RebootBehavior="CanRequestReboot" />' +
          '<Language>all</Language><SecurityBulletinID>MS08-067</SecurityBulletinID></Properties>',
      ),
    );
    assert.equal(s.requiresReboot, true);
    assert.equal(s.mayRequireReboot, true);
    assert.equal(s.canRequestUserInput, true);
    assert.equal(s.installationBehavior?.requiresNetworkConnectivity, true);
    assert.equal(s.installationBehavior?.impact, 'RequiresExclusiveHandling');
    assert.equal(s.isUninstallable, true);
    assert.equal(s.uninstallationBehavior?.rebootBehavior, 'CanRequestReboot');
    assert.equal(s.isPublic, false);
    assert.equal(s.isLocallyPublished, true);
    assert.deepEqual(s.languages, ['all']);
    assert.equal(s.securityBulletinId, 'MS08-067');
    assert.equal(s.properties['PerUser'], 'false');
  });
});

describe('parseUpdateDocument: malformed input raises typed errors', () => {
  const base = (inner: string): string =>
    `<upd:Update xmlns:upd="http://schemas.microsoft.com/msus/2002/12/Update">${inner}</upd:Update>`;
  const identity = '<upd:UpdateIdentity UpdateID="11111111-2222-3333-4444-555555555555" RevisionNumber="3" />';
  const properties = '<upd:Properties UpdateType="Software" />';

  const cases: { name: string; xml: string; code: UpdateMetadataErrorCode; path?: string }[] = [
    { name: 'not XML', xml: 'hello', code: 'UPDATE_METADATA.MALFORMED_XML' },
    { name: 'empty string', xml: '', code: 'UPDATE_METADATA.MALFORMED_XML' },
    { name: 'truncated document', xml: base(identity + properties).slice(0, -5), code: 'UPDATE_METADATA.MALFORMED_XML' },
    { name: 'mismatched end tag', xml: base(`${identity}<upd:Properties UpdateType="Software"></upd:Files>`), code: 'UPDATE_METADATA.MALFORMED_XML' },
    {
      name: 'DOCTYPE with an entity (billion laughs door)',
      xml: `<!DOCTYPE x [<!ENTITY a "aaaa">]>${base(identity + properties)}`,
      code: 'UPDATE_METADATA.MALFORMED_XML',
    },
    { name: 'undefined entity', xml: base(`${identity}<upd:Properties UpdateType="&foo;" />`), code: 'UPDATE_METADATA.MALFORMED_XML' },
    { name: 'undeclared prefix', xml: base(`${identity}${properties}<bar:Foo />`), code: 'UPDATE_METADATA.MALFORMED_XML' },
    { name: 'two roots', xml: base(identity + properties) + base(''), code: 'UPDATE_METADATA.MALFORMED_XML' },
    {
      name: 'duplicate attribute',
      xml: base(`<upd:UpdateIdentity UpdateID="11111111-2222-3333-4444-555555555555" UpdateID="x" RevisionNumber="3" />${properties}`),
      code: 'UPDATE_METADATA.MALFORMED_XML',
    },
    {
      name: 'wrong root namespace',
      xml: '<Update xmlns="http://example.com/">' + '</Update>',
      code: 'UPDATE_METADATA.NOT_AN_UPDATE',
      path: '/',
    },
    { name: 'SOAP envelope instead of a document', xml: '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" />', code: 'UPDATE_METADATA.NOT_AN_UPDATE', path: '/' },
    { name: 'missing UpdateIdentity', xml: base(properties), code: 'UPDATE_METADATA.MISSING', path: '/Update/UpdateIdentity' },
    { name: 'missing Properties', xml: base(identity), code: 'UPDATE_METADATA.MISSING', path: '/Update/Properties' },
    {
      name: 'missing UpdateType',
      xml: base(`${identity}<upd:Properties />`),
      code: 'UPDATE_METADATA.MISSING',
      path: '/Update/Properties/@UpdateType',
    },
    {
      name: 'unknown UpdateType',
      xml: base(`${identity}<upd:Properties UpdateType="Firmware" />`),
      code: 'UPDATE_METADATA.INVALID_VALUE',
      path: '/Update/Properties/@UpdateType',
    },
    {
      name: 'UpdateID not a GUID',
      xml: base(`<upd:UpdateIdentity UpdateID="not-a-guid" RevisionNumber="3" />${properties}`),
      code: 'UPDATE_METADATA.INVALID_VALUE',
      path: '/Update/UpdateIdentity/@UpdateID',
    },
    {
      name: 'RevisionNumber not an integer',
      xml: base(`<upd:UpdateIdentity UpdateID="11111111-2222-3333-4444-555555555555" RevisionNumber="x" />${properties}`),
      code: 'UPDATE_METADATA.INVALID_VALUE',
      path: '/Update/UpdateIdentity/@RevisionNumber',
    },
    {
      name: 'duplicate Properties',
      xml: base(identity + properties + properties),
      code: 'UPDATE_METADATA.DUPLICATE',
      path: '/Update/Properties',
    },
    {
      name: 'bundle member without RevisionNumber',
      xml: base(
        `${identity}${properties}<upd:Relationships><upd:BundledUpdates><upd:AtLeastOne><upd:UpdateIdentity UpdateID="11111111-2222-3333-4444-555555555555" /></upd:AtLeastOne></upd:BundledUpdates></upd:Relationships>`,
      ),
      code: 'UPDATE_METADATA.MISSING',
      path: '/Update/Relationships/BundledUpdates/AtLeastOne/UpdateIdentity/@RevisionNumber',
    },
    {
      name: 'empty AtLeastOne prerequisite clause',
      xml: base(`${identity}${properties}<upd:Relationships><upd:Prerequisites><upd:AtLeastOne /></upd:Prerequisites></upd:Relationships>`),
      code: 'UPDATE_METADATA.MISSING',
      path: '/Update/Relationships/Prerequisites/AtLeastOne',
    },
    {
      name: 'SHA-1 digest of the wrong length',
      xml: base(
        `${identity}${properties}<upd:Files><upd:File Digest="AAAA" DigestAlgorithm="SHA1" FileName="a.exe" Size="1" Modified="2020-01-01T00:00:00Z" /></upd:Files>`,
      ),
      code: 'UPDATE_METADATA.INVALID_VALUE',
      path: '/Update/Files/File[1]/@Digest',
    },
    {
      name: 'file without Size',
      xml: base(
        `${identity}${properties}<upd:Files><upd:File Digest="2jmj7l5rSw0yVb/vlWAYkK/YBwk=" DigestAlgorithm="SHA1" FileName="a.exe" /></upd:Files>`,
      ),
      code: 'UPDATE_METADATA.MISSING',
      path: '/Update/Files/File[1]/@Size',
    },
    {
      name: 'bad boolean',
      xml: base(`${identity}<upd:Properties UpdateType="Software" IsPublic="yes" />`),
      code: 'UPDATE_METADATA.INVALID_VALUE',
      path: '/Update/Properties/@IsPublic',
    },
    {
      name: 'LocalizedProperties without Language',
      xml: base(`${identity}${properties}<upd:LocalizedPropertiesCollection><upd:LocalizedProperties><upd:Title>x</upd:Title></upd:LocalizedProperties></upd:LocalizedPropertiesCollection>`),
      code: 'UPDATE_METADATA.MISSING',
      path: '/Update/LocalizedPropertiesCollection/LocalizedProperties/Language',
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      assert.throws(
        () => parseUpdateDocument(c.xml),
        (error: unknown) => {
          assert.ok(error instanceof UpdateMetadataError, `not an UpdateMetadataError: ${String(error)}`);
          assert.equal(error.code, c.code, error.message);
          if (c.path !== undefined) assert.equal(error.path, c.path);
          return true;
        },
      );
    });
  }

  it('enforces the depth and size bounds', () => {
    const deep = `<upd:Update xmlns:upd="http://schemas.microsoft.com/msus/2002/12/Update">${'<a>'.repeat(600)}${'</a>'.repeat(600)}</upd:Update>`;
    assert.throws(() => parseUpdateDocument(deep), { code: 'UPDATE_METADATA.LIMIT_EXCEEDED' });
    assert.throws(() => parseUpdateDocument(readDocument(DOCUMENTS.categoryMicrosoft), { maxChars: 1000 }), {
      code: 'UPDATE_METADATA.LIMIT_EXCEEDED',
    });
  });
});
