import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_COMPUTERS_GROUP_ID, LOG_START, type ServerConfigurationData, UNASSIGNED_COMPUTERS_GROUP_ID } from '#contracts';
import { driverRow, guid, ScanCatalogBuilder } from '../testing/scan-catalog.builder.js';
import { coreXmlOf } from './core-fragment.js';
import { evolveScanIndex } from './scan-index.evolve.js';

describe('scan index evolve', () => {
  it('keeps the highest revision per update and maps every revision id and identity', () => {
    const catalog = new ScanCatalogBuilder()
      .revision({ revisionId: 2, updateId: guid(1), revisionNumber: 201 })
      // Arrives late with a lower number: kept for lookups, not served.
      .revision({ revisionId: 1, updateId: guid(1), revisionNumber: 200 });
    assert.equal(catalog.view.latestRevision(guid(1))?.revisionId, 2);
    assert.equal(catalog.view.revision(1)?.revisionNumber, 200);
    assert.equal(coreXmlOf(catalog.view.revision(1)!), '', 'a revision that is not served keeps no Core fragment');
    catalog.revision({ revisionId: 3, updateId: guid(1), revisionNumber: 202 });
    assert.equal(coreXmlOf(catalog.view.revision(2)!), '');
    assert.match(coreXmlOf(catalog.view.revision(3)!), /RevisionNumber="202"/);
    assert.equal(catalog.view.revisionIdOf(guid(1).toUpperCase(), 200), 1);
  });

  it('computes IsLeaf from the served revisions, categories included, and flips it when they change', () => {
    const catalog = new ScanCatalogBuilder()
      .revision({ revisionId: 10, updateId: guid(10), type: 'Category' })
      .revision({ revisionId: 11, updateId: guid(11), type: 'Detectoid' })
      .revision({ revisionId: 12, updateId: guid(12), categoryIds: [guid(10)], prerequisites: [[guid(11)]] });
    assert.equal(catalog.view.isLeaf(guid(10)), false);
    assert.equal(catalog.view.isLeaf(guid(11)), false);
    assert.equal(catalog.view.isLeaf(guid(12)), true);
    const before = catalog.view.versionAt(catalog.position);

    catalog.revision({ revisionId: 13, updateId: guid(12), revisionNumber: 101, categoryIds: [guid(10)] });

    assert.equal(catalog.view.isLeaf(guid(11)), true, 'no served revision names the detectoid any more');
    assert.equal(catalog.view.changedSince(guid(11), [ALL_COMPUTERS_GROUP_ID], before), true);
    assert.equal(catalog.view.changedSince(guid(10), [ALL_COMPUTERS_GROUP_ID], before), false, 'still referenced: no change');
  });

  it('bundle members are leaves and know their bundles; a new bundle revision that drops a member releases it', () => {
    const catalog = new ScanCatalogBuilder()
      .revision({ revisionId: 20, updateId: guid(20) })
      .revision({ revisionId: 21, updateId: guid(21) })
      .revision({ revisionId: 22, updateId: guid(22), bundled: [guid(20), guid(21)] });
    assert.equal(catalog.view.isLeaf(guid(20)), true);
    assert.deepEqual([...(catalog.state.bundleParents.get(guid(20)) ?? [])], [guid(22)]);
    catalog.revision({ revisionId: 23, updateId: guid(22), revisionNumber: 101, bundled: [guid(21)] });
    assert.equal(catalog.state.bundleParents.has(guid(20)), false);
    assert.deepEqual([...(catalog.state.bundleParents.get(guid(21)) ?? [])], [guid(22)]);
  });

  it('is idempotent for a re-imported revision and for an event seen twice', () => {
    const catalog = new ScanCatalogBuilder()
      .revision({ revisionId: 30, updateId: guid(30), type: 'Category' })
      .revision({ revisionId: 31, updateId: guid(31), prerequisites: [[guid(30)]] })
      .revision({ revisionId: 31, updateId: guid(31), prerequisites: [[guid(30)]] });
    assert.equal(catalog.state.prerequisiteReferences.get(guid(30)), 1);
    const version = catalog.state.version;
    const position = catalog.position;
    evolveScanIndex(catalog.state, { type: 'UpdateDeclined', data: { updateId: guid(31) }, position, occurredAt: '2026-10-04T00:00:00Z' });
    assert.equal(catalog.state.version, version, 'an event at or before the current position is ignored');
    assert.equal(catalog.view.isDeclined(guid(31)), false);
  });

  it('tracks approvals per group with the version of their last change, and forgets a deleted group', () => {
    const group = guid(0x100);
    const catalog = new ScanCatalogBuilder().group(group, 'Lab', null).revision({ revisionId: 40, updateId: guid(40) }).approve(guid(40), group);
    assert.deepEqual([...(catalog.state.approvedUpdatesByGroup.get(group) ?? [])], [guid(40)]);
    assert.equal(catalog.state.approvalChangedAt.get(guid(40))?.get(group), catalog.state.version);
    catalog.deleteGroup(group);
    assert.equal(catalog.state.approvals.has(guid(40)), false);
    assert.equal(catalog.state.groups.has(group), false);
    assert.equal(catalog.view.everythingChangedSince('pc', catalog.state.version - 1), true);
  });

  it('maps an anchor back to the version it names, also for anchors between or beyond its events', () => {
    const catalog = new ScanCatalogBuilder().revision({ revisionId: 1, updateId: guid(1) }).revision({ revisionId: 2, updateId: guid(2) });
    const [first, second] = catalog.state.appliedPositions;
    assert.equal(catalog.view.versionAt(LOG_START), 0);
    assert.equal(catalog.view.versionAt(first!), 1);
    assert.equal(catalog.view.versionAt({ transactionId: first!.transactionId, sequence: first!.sequence + 0n }), 1);
    assert.equal(catalog.view.versionAt(second!), 2);
    assert.equal(catalog.view.versionAt({ transactionId: second!.transactionId + 5n, sequence: 0n }), 2, 'an anchor from a gateway further along');
  });

  it('resolves a computer to its groups, their ancestors and All Computers; Unassigned when it has none', () => {
    const parent = guid(0x200);
    const child = guid(0x201);
    const catalog = new ScanCatalogBuilder().group(parent, 'Site', null).group(child, 'Lab', parent);
    assert.deepEqual(catalog.view.effectiveGroupIds('pc', null), [ALL_COMPUTERS_GROUP_ID, UNASSIGNED_COMPUTERS_GROUP_ID].sort());
    catalog.assign('pc', child);
    assert.deepEqual(catalog.view.effectiveGroupIds('pc', null), [ALL_COMPUTERS_GROUP_ID, parent, child].sort());
    catalog.assign('pc', guid(0x999));
    assert.deepEqual(catalog.view.effectiveGroupIds('pc', null), [ALL_COMPUTERS_GROUP_ID, UNASSIGNED_COMPUTERS_GROUP_ID].sort(), 'unknown groups are ignored');
  });

  it('takes the scan settings from the server configuration; another unapproved-update policy changes every client\'s view', () => {
    const catalog = new ScanCatalogBuilder().revision({ revisionId: 1, updateId: guid(1) });
    assert.deepEqual(catalog.view.scanSettings, { pageSize: 30, unapprovedPolicy: 'approved-only' }, 'the defaults before any configuration');
    const configuration: Omit<ServerConfigurationData, 'scan'> = {
      role: 'root', upstreamServerUrl: null, syncSchedule: { mode: 'manual' }, rollup: 'summary', productIds: [], classificationIds: [], languages: [], contentMode: 'store-content', contentBaseUrl: null,
    };
    // Written before the scan settings existed: the defaults, and nothing changed for clients.
    let before = catalog.view.version;
    catalog.apply({ type: 'ServerConfigurationChanged', data: configuration });
    assert.deepEqual(catalog.view.scanSettings, { pageSize: 30, unapprovedPolicy: 'approved-only' });
    assert.equal(catalog.view.everythingChangedSince('pc', before), false);
    catalog.apply({ type: 'ServerConfigurationChanged', data: { ...configuration, scan: { pageSize: 7, unapprovedPolicy: 'approved-only' } } });
    assert.deepEqual(catalog.view.scanSettings, { pageSize: 7, unapprovedPolicy: 'approved-only' });
    assert.equal(catalog.view.everythingChangedSince('pc', before), false, 'a page size moves no deployment');
    before = catalog.view.version;
    catalog.apply({ type: 'ServerConfigurationChanged', data: { ...configuration, scan: { pageSize: 7, unapprovedPolicy: 'detect' } } });
    assert.equal(catalog.view.scanSettings.unapprovedPolicy, 'detect');
    assert.equal(catalog.view.everythingChangedSince('pc', before), true);
  });

  it('does not let a built-in group be deleted', () => {
    const catalog = new ScanCatalogBuilder().revision({ revisionId: 50, updateId: guid(50) }).approve(guid(50), ALL_COMPUTERS_GROUP_ID).deleteGroup(ALL_COMPUTERS_GROUP_ID);
    assert.equal(catalog.state.groups.has(ALL_COMPUTERS_GROUP_ID), true);
    assert.equal(catalog.state.approvals.get(guid(50))?.has(ALL_COMPUTERS_GROUP_ID), true);
  });

  it('indexes the served driver revision by lower-cased hardware id, moves the lookup with a new revision, and reads old events without rows', () => {
    const catalog = new ScanCatalogBuilder()
      .revision({ revisionId: 60, updateId: guid(60), type: 'Driver', drivers: [driverRow('PCI\\VEN_1'), driverRow('PCI\\VEN_2', { driverVerVersion: '10.0.26100.8036' })] })
      .revision({ revisionId: 70, updateId: guid(70), type: 'Driver' });
    assert.deepEqual([...catalog.view.driverUpdatesForHardwareId('pci\\ven_2')], [guid(60)]);
    assert.equal(catalog.view.revision(60)?.drivers[1]?.driverVerVersion, 2814751477604196n);
    assert.equal(catalog.view.revision(60)?.drivers[1]?.hardwareIdAsWritten, 'PCI\\VEN_2');
    assert.deepEqual(catalog.view.revision(70)?.drivers, [], 'an event stored before driver rows existed is a driver with no rows');
    catalog.revision({ revisionId: 61, updateId: guid(60), revisionNumber: 101, type: 'Driver', drivers: [driverRow('PCI\\VEN_3')] });
    assert.deepEqual([...catalog.view.driverUpdatesForHardwareId('pci\\ven_2')], []);
    assert.deepEqual([...catalog.view.driverUpdatesForHardwareId('pci\\ven_3')], [guid(60)]);
    assert.deepEqual(catalog.view.revision(60)?.drivers, [], 'a revision no longer served keeps no rows');
    // An older revision arriving late does not take the lookup back.
    catalog.revision({ revisionId: 59, updateId: guid(60), revisionNumber: 99, type: 'Driver', drivers: [driverRow('PCI\\VEN_9')] });
    assert.deepEqual([...catalog.view.driverUpdatesForHardwareId('pci\\ven_9')], []);
  });
});
