import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_COMPUTERS_GROUP_ID, type DriverMetadataRowData, normalizeGuid } from '#contracts';
import { encodeWuspResponse, type SyncUpdatesRequest } from '#wsus-codecs';
import { driverRow, guid, ScanCatalogBuilder } from '../../scan-index/testing/scan-catalog.builder.js';
import {
  capturedNewCookie,
  capturedUpdate,
  decodeNativeRequest,
  importCaptured,
  readNativeScan,
  SYNC_UPDATES_EXCHANGES,
} from '../../scan-index/testing/native-scan.catalog.js';
import { syntheticDeploymentId } from './scan-deployment.js';
import { syncUpdates, type SyncUpdatesOutcome } from './sync-updates.query.js';

/**
 * Replays the captured category scan (fixtures 06–09: Windows 11 WUA against WS2025, filtered on
 * the OOBE ZDP product, no approvals) against an index built from the same three category
 * revisions plus decoys, and compares what we encode with the bytes WSUS sent. Deployment ids are
 * server-local (ours are synthetic) and the cookie is the capture's, so those two are substituted.
 */
function encode(exchange: string, outcome: SyncUpdatesOutcome): string {
  return encodeWuspResponse({ operation: 'SyncUpdates', result: { ...outcome.result, newCookie: capturedNewCookie(exchange) } }, { soapVersion: '1.1' }).body;
}

describe('SyncUpdates against the captured native category scan (06–09)', () => {
  const captured = SYNC_UPDATES_EXCHANGES.map(capturedUpdate);
  const catalog = new ScanCatalogBuilder().on('2026-10-04T13:17:07.590Z');
  // Import order differs from staging order on purpose: staging must come from the graph alone.
  for (const u of [captured[2]!, captured[0]!, captured[1]!]) importCaptured(catalog, u);
  // Decoys outside the filter: a sibling product with an approved update in it, a classification.
  const windows = normalizeGuid('6964AAB4-C5B5-43BD-A17D-FFB4346A8E1D');
  catalog
    .revision({ revisionId: 500, updateId: guid(500), type: 'Category', prerequisites: [[windows]], categoryIds: [windows] })
    .revision({ revisionId: 501, updateId: guid(501), type: 'Category' })
    .revision({ revisionId: 502, updateId: guid(502), prerequisites: [[guid(500)], [guid(501)]], categoryIds: [guid(500), guid(501)] })
    .approve(guid(502), ALL_COMPUTERS_GROUP_ID);

  // The anchor travels in the cookie from one call to the next, as the handler stores it.
  let lastSyncAnchor: string | null = null;
  const run = (exchange: string): SyncUpdatesOutcome => {
    const decoded = decodeNativeRequest(exchange, 'SyncUpdates');
    const outcome = syncUpdates(catalog.view, {
      computerId: 'native-1',
      cookieGroupIds: null,
      clientProtocolVersion: '2.90',
      lastSyncAnchor,
      parameters: (decoded.request as SyncUpdatesRequest).parameters,
    });
    lastSyncAnchor = outcome.lastSyncAnchor;
    return outcome;
  };

  for (const [round, exchange] of SYNC_UPDATES_EXCHANGES.entries()) {
    it(`${exchange}: the same revision, staging and bytes as WSUS`, () => {
      const outcome = run(exchange);
      const expected = captured[round]!;
      assert.deepEqual(
        (outcome.result.newUpdates ?? []).map((u) => u.id),
        [expected.revisionId],
      );
      const theirs = readNativeScan(`${exchange}.response.xml`).replace(
        `<Deployment><ID>${expected.deploymentId}</ID>`,
        `<Deployment><ID>${syntheticDeploymentId('evaluate', expected.revisionId)}</ID>`,
      );
      assert.equal(encode(exchange, outcome), theirs);
    });
  }

  it('09-SyncUpdates-driverPass: no drivers deployed, answered byte for byte as WSUS did', () => {
    const exchange = '09-SyncUpdates-driverPass';
    const outcome = run(exchange);
    assert.equal(encode(exchange, outcome), readNativeScan(`${exchange}.response.xml`));
  });
});

describe('the captured Windows 11 driver pass (fixture 09) against approved drivers', () => {
  // Fixture 09 is a category scan filtered on this product: the drivers are filed under it.
  const product = normalizeGuid('dd78b8a1-0b20-45c1-add6-4da72e9364cf');
  const driver = (n: number, rows: DriverMetadataRowData[]) => ({ revisionId: 600 + n, updateId: guid(600 + n), type: 'Driver' as const, categoryIds: [product], drivers: rows });
  const catalog = new ScanCatalogBuilder()
    // Parallel port: installed on `*PNP0400` (3rd id); a driver for the first id is a better match (rule 3).
    .revision(driver(1, [driverRow('ACPI\\VEN_PNP&DEV_0400', { driverVerDate: '2006-06-21', driverVerVersion: '10.0.26100.1150' })]))
    // Same id, date and version as the installed `*PNP0A06` driver: not better, not offered.
    .revision(driver(2, [driverRow('*PNP0A06', { driverVerDate: '2006-06-21', driverVerVersion: '10.0.26100.1150' })]))
    // The Universal Print Class Driver's printer, from another provider: the printer rule refuses it.
    .revision(driver(3, [driverRow('{6d170653-5280-44c2-ba44-2c04bc9d46da}', { class: 'Printers', provider: 'Contoso', manufacturer: 'Microsoft', driverVerDate: '2030-01-01' })]))
    // A newer driver from the installed printer driver's provider and manufacturer: offered.
    .revision(driver(4, [driverRow('microsoftmicrosoft_musd', { class: 'Printers', provider: 'Microsoft', manufacturer: 'Microsoft', driverVerDate: '2025-01-01', driverVerVersion: '10.0.26100.1' })]))
    // Targeted at a computer hardware id this client does not have.
    .revision(driver(5, [driverRow('STORAGE\\Volume', { driverVerDate: '2030-01-01', distributionComputerHardwareIds: [guid(999)] })]));
  for (let n = 1; n <= 5; n += 1) catalog.approve(guid(600 + n), ALL_COMPUTERS_GROUP_ID);

  it('offers exactly the drivers the better-match, installed-driver and printer rules allow, with their HardwareIds', () => {
    const decoded = decodeNativeRequest('09-SyncUpdates-driverPass', 'SyncUpdates');
    const outcome = syncUpdates(catalog.view, {
      computerId: 'native-1',
      cookieGroupIds: null,
      clientProtocolVersion: '2.90',
      lastSyncAnchor: null,
      parameters: (decoded.request as SyncUpdatesRequest).parameters,
    });
    assert.deepEqual(
      outcome.result.newUpdates?.map((u) => [u.id, u.deployment?.action, u.deployment?.hardwareIds]),
      [
        [601, 'Install', ['ACPI\\VEN_PNP&DEV_0400']],
        [604, 'Install', ['microsoftmicrosoft_musd']],
      ],
    );
    assert.equal(outcome.result.driverSyncNotNeeded, false);
  });
});
