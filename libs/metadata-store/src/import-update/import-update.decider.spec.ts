import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UpdateRevisionImported, type UpdateRevisionImportedData } from '#contracts';
import { driverDocumentXml } from '#test-support';
import { readUpdateDocument } from '#wsus-codecs/update-metadata';
import { decideImport, evolveImportState, initialImportState, revisionImportedData, sha1Of } from './import-update.decider.js';

const imported = (revisionId: number, revisionNumber: number, documentSha256: string) => ({
  type: 'UpdateRevisionImported',
  data: { revisionId, revisionNumber, documentSha256 } as UpdateRevisionImportedData,
});
const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

describe('import-update decider', () => {
  it('given no revisions, a document is new', () => {
    assert.deepEqual(decideImport(initialImportState, 200, SHA_A), { kind: 'new' });
  });

  it('given the same revision with the same document, it is unchanged and keeps its RevisionID', () => {
    const state = evolveImportState(initialImportState, imported(7, 200, SHA_A));
    assert.deepEqual(decideImport(state, 200, SHA_A), {
      kind: 'unchanged',
      revision: { revisionId: 7, revisionNumber: 200, documentSha256: SHA_A },
    });
  });

  it('given the same revision with another document, it is a conflict naming the existing revision', () => {
    const state = evolveImportState(initialImportState, imported(7, 200, SHA_A));
    const decision = decideImport(state, 200, SHA_B);
    assert.equal(decision.kind, 'conflict');
    assert.equal(decision.kind === 'conflict' && decision.revision.revisionId, 7);
  });

  it('given another revision number of the same update, it is new', () => {
    const state = evolveImportState(initialImportState, imported(7, 200, SHA_A));
    assert.deepEqual(decideImport(state, 201, SHA_B), { kind: 'new' });
  });

  it('ignores other event types and keeps the first import of a revision number', () => {
    let state = evolveImportState(initialImportState, { type: 'SomethingElse', data: {} });
    assert.equal(state.revisions.size, 0);
    state = evolveImportState(state, imported(7, 200, SHA_A));
    state = evolveImportState(state, imported(9, 200, SHA_B));
    assert.equal(state.revisions.get(200)?.revisionId, 7);
  });

  it('finds the SHA-1 in Digest or, failing that, in an AdditionalDigest', () => {
    const base = { fileName: 'a.cab', size: 1, modified: undefined, sha256Base64: undefined, patchingType: undefined, isEncrypted: false };
    assert.equal(sha1Of({ ...base, digest: { algorithm: 'SHA1', base64: 'X', hex: '' }, additionalDigests: [] }), 'X');
    assert.equal(
      sha1Of({ ...base, digest: { algorithm: 'SHA256', base64: 'Y', hex: '' }, additionalDigests: [{ algorithm: 'SHA1', base64: 'Z', hex: '' }] }),
      'Z',
    );
    assert.equal(sha1Of({ ...base, digest: { algorithm: 'MD5', base64: 'Y', hex: '' }, additionalDigests: [] }), undefined);
  });
});

describe('import-update: driver metadata (MS-WUSP §3.1.1.1 Driver tables)', () => {
  const document = (rows: Parameters<typeof driverDocumentXml>[0]['rows']) =>
    readUpdateDocument(driverDocumentXml({ updateId: 'dddddddd-0000-4000-8000-000000000001', revisionNumber: 200, creationDate: '2026-01-01T00:00:00Z', title: 'Contoso NIC', rows }));

  it('carries every WindowsDriverMetaData row with its feature scores, CHIDs and compatible providers', () => {
    const built = revisionImportedData(
      document([
        {
          hardwareId: 'PCI\\VEN_8086&DEV_1234',
          driverVerDate: '2025-03-04',
          driverVerVersion: '10.1.2.3',
          class: 'Net',
          provider: 'Contoso',
          manufacturer: 'Intel',
          model: 'Contoso NIC',
          whqlDriverId: 4242,
          featureScores: [{ operatingSystem: 'amd64.10.0', featureScore: 254 }],
          distributionComputerHardwareIds: ['aaaaaaaa-0000-4000-8000-00000000000a'],
          targetComputerHardwareIds: ['aaaaaaaa-0000-4000-8000-00000000000b'],
        },
        { hardwareId: 'contosolaser_1', driverVerDate: '2025-03-04', driverVerVersion: '1.0.0.0', class: 'Printers', compatibleProviders: ['Fabrikam'] },
      ]),
      9,
      SHA_A,
      'imported',
    );
    assert.ok('data' in built);
    assert.equal(built.data.updateType, 'Driver');
    assert.deepEqual(built.data.drivers?.[0], {
      hardwareId: 'PCI\\VEN_8086&DEV_1234',
      driverVerDate: '2025-03-04',
      driverVerVersion: '10.1.2.3',
      class: 'Net',
      manufacturer: 'Intel',
      provider: 'Contoso',
      model: 'Contoso NIC',
      whqlDriverId: 4242,
      compatibleProviders: [],
      featureScores: [{ operatingSystem: 'amd64.10.0', featureScore: 254 }],
      distributionComputerHardwareIds: ['aaaaaaaa-0000-4000-8000-00000000000a'],
      targetComputerHardwareIds: ['aaaaaaaa-0000-4000-8000-00000000000b'],
    });
    assert.deepEqual(built.data.drivers?.[1]?.compatibleProviders, ['Fabrikam']);
    // The event schema accepts what the decider builds.
    assert.equal(UpdateRevisionImported.schema.safeParse(built.data).success, true);
  });

  it('refuses a row whose DriverVerVersion is not four parts or whose DriverVerDate is not a date', () => {
    const badVersion = revisionImportedData(document([{ hardwareId: 'X', driverVerDate: '2025-03-04', driverVerVersion: '1.2.3' }]), 9, SHA_A, 'imported');
    assert.match('problem' in badVersion ? badVersion.problem : '', /DriverVerVersion "1\.2\.3"/);
    const badDate = revisionImportedData(document([{ hardwareId: 'X', driverVerDate: 'soon', driverVerVersion: '1.2.3.4' }]), 9, SHA_A, 'imported');
    assert.match('problem' in badDate ? badDate.problem : '', /DriverVerDate "soon"/);
  });

  it('events stored before driver rows existed still validate', () => {
    const built = revisionImportedData(document([{ hardwareId: 'X', driverVerDate: '2025-03-04', driverVerVersion: '1.2.3.4' }]), 9, SHA_A, 'imported');
    assert.ok('data' in built);
    const { drivers: _drivers, ...old } = built.data;
    assert.equal(UpdateRevisionImported.schema.safeParse(old).success, true);
  });
});
