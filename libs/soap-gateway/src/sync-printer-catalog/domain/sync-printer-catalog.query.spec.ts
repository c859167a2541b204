import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_COMPUTERS_GROUP_ID } from '#contracts';
import { driverRow, guid, ScanCatalogBuilder } from '../../scan-index/testing/scan-catalog.builder.js';
import { syncPrinterCatalog, type SyncPrinterCatalogQuery } from './sync-printer-catalog.query.js';

const DETECTOID = guid(5);
const settings = { pageSize: 30, unapprovedPolicy: 'approved-only' as const };
const query = (extra: Partial<SyncPrinterCatalogQuery> = {}): SyncPrinterCatalogQuery => ({
  computerId: 'pc-1',
  cookieGroupIds: null,
  clientProtocolVersion: '2.90',
  lastSyncAnchor: null,
  installedNonLeafUpdateIds: [],
  printerUpdateIds: [],
  ...extra,
});

function catalog(): ScanCatalogBuilder {
  return new ScanCatalogBuilder()
    .revision({ revisionId: 105, updateId: DETECTOID, type: 'Detectoid' })
    .revision({ revisionId: 201, updateId: guid(21), type: 'Driver', drivers: [driverRow('contosolaser_1', { class: 'Printers' }), driverRow('contosolaser_2', { class: 'Printers' })] })
    .revision({ revisionId: 202, updateId: guid(22), type: 'Driver', drivers: [driverRow('PCI\\VEN_1', { class: 'Net' })] })
    .revision({ revisionId: 203, updateId: guid(23), type: 'Driver', prerequisites: [[DETECTOID]], drivers: [driverRow('fabrikaminkjet', { class: 'Printer' })] })
    .revision({ revisionId: 204, updateId: guid(24), type: 'Driver', drivers: [driverRow('litwareprinter', { class: 'Printers' })] })
    .approve(guid(21), ALL_COMPUTERS_GROUP_ID)
    .approve(guid(22), ALL_COMPUTERS_GROUP_ID)
    .approve(guid(23), ALL_COMPUTERS_GROUP_ID);
}

describe('SyncPrinterCatalog (MS-WUSP §3.1.5.12)', () => {
  it('serves approved printer drivers only, with their printer HardwareIds, staged by prerequisites', () => {
    const c = catalog();
    const first = syncPrinterCatalog(c.view, query(), settings);
    assert.deepEqual(
      first.newUpdates?.map((u) => [u.id, u.deployment?.action, u.deployment?.hardwareIds]),
      [[201, 'Install', ['contosolaser_1', 'contosolaser_2']]],
    );
    const staged = syncPrinterCatalog(c.view, query({ installedNonLeafUpdateIds: [105] }), settings);
    assert.deepEqual(staged.newUpdates?.map((u) => u.id), [201, 203]);
    assert.equal(staged.truncated, false);
  });

  it('printerUpdateIDs are the cache: cached and needed are not resent as new, cached and not needed are out of scope', () => {
    const c = catalog();
    const out = syncPrinterCatalog(c.view, query({ printerUpdateIds: [201, 202, 999] }), settings);
    assert.equal(out.newUpdates, undefined);
    assert.deepEqual(out.outOfScopeRevisionIds, [202, 999]);
    assert.deepEqual(out.changedUpdates?.map((u) => u.id), [201]);
    c.removeApproval(guid(21), ALL_COMPUTERS_GROUP_ID);
    assert.deepEqual(syncPrinterCatalog(c.view, query({ printerUpdateIds: [201] }), settings).outOfScopeRevisionIds, [201]);
  });

  it('truncates at the page size', () => {
    const c = catalog().approve(guid(24), ALL_COMPUTERS_GROUP_ID);
    const page = syncPrinterCatalog(c.view, query(), { ...settings, pageSize: 1 });
    assert.deepEqual([page.newUpdates?.map((u) => u.id), page.truncated], [[201], true]);
  });
});
