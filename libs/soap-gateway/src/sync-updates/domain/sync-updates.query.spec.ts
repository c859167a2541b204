import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_COMPUTERS_GROUP_ID, UNASSIGNED_COMPUTERS_GROUP_ID } from '#contracts';
import type { Device, UpdateInfo } from '#wsus-codecs';
import { driverRow, guid, ScanCatalogBuilder, softwarePass } from '../../scan-index/testing/scan-catalog.builder.js';
import { emptyClientCache, idsOf, runSoftwareScan } from '../testing/scan-loop.js';
import { syntheticDeploymentId } from './scan-deployment.js';
import { DEFAULT_SYNC_UPDATES_SETTINGS, syncUpdates, type SyncUpdatesQuery } from './sync-updates.query.js';

const MICROSOFT = guid(1);
const WINDOWS = guid(2);
const WINDOWS_11 = guid(3);
const SECURITY_UPDATES = guid(4);
const X64_DETECTOID = guid(5);
const CUMULATIVE = guid(10);

/** Company ← product family ← product (three levels), a classification, a detectoid, and one update needing all of them. */
function categoryTree(): ScanCatalogBuilder {
  return new ScanCatalogBuilder()
    .revision({ revisionId: 101, updateId: MICROSOFT, type: 'Category' })
    .revision({ revisionId: 102, updateId: WINDOWS, type: 'Category', prerequisites: [[MICROSOFT]], categoryIds: [MICROSOFT] })
    .revision({ revisionId: 103, updateId: WINDOWS_11, type: 'Category', prerequisites: [[WINDOWS]], categoryIds: [WINDOWS] })
    .revision({ revisionId: 104, updateId: SECURITY_UPDATES, type: 'Category' })
    .revision({ revisionId: 105, updateId: X64_DETECTOID, type: 'Detectoid' })
    .revision({
      revisionId: 110,
      updateId: CUMULATIVE,
      prerequisites: [[WINDOWS_11], [SECURITY_UPDATES], [X64_DETECTOID]],
      categoryIds: [WINDOWS_11, SECURITY_UPDATES],
    });
}

const query = (parameters: SyncUpdatesQuery['parameters'], extra: Partial<SyncUpdatesQuery> = {}): SyncUpdatesQuery => ({
  computerId: 'pc-1',
  cookieGroupIds: null,
  clientProtocolVersion: '2.90',
  lastSyncAnchor: null,
  parameters,
  ...extra,
});

const byId = (updates: readonly UpdateInfo[] | undefined, id: number): UpdateInfo => {
  const hit = (updates ?? []).find((u) => u.id === id);
  assert.ok(hit, `revision ${id} expected in ${JSON.stringify(idsOf(updates))}`);
  return hit;
};

describe('SyncUpdates: prerequisite staging', () => {
  it('stages a three-level category chain one level per round, categories and detectoids before the update that needs them', () => {
    const catalog = categoryTree().approve(CUMULATIVE, ALL_COMPUTERS_GROUP_ID, 'Install', { deploymentId: 7 });

    const rounds = runSoftwareScan(catalog.view, emptyClientCache());

    assert.deepEqual(
      rounds.map((r) => idsOf(r.result.newUpdates)),
      [[101, 104, 105], [102], [103], [110]],
    );
    const first = rounds[0]!.result;
    assert.equal(first.truncated, false);
    for (const u of first.newUpdates!) {
      assert.equal(u.isLeaf, false, 'prerequisite targets (categories included) are non-leaf');
      assert.deepEqual(u.deployment, {
        id: syntheticDeploymentId('evaluate', u.id),
        action: 'Evaluate',
        isAssigned: true,
        lastChangeTime: '2026-10-04',
        autoSelect: '0',
        autoDownload: '0',
        supersedenceBehavior: '0',
      });
    }
    const update = byId(rounds[3]!.result.newUpdates, 110);
    assert.equal(update.isLeaf, true);
    assert.equal(update.deployment?.action, 'Install');
    assert.equal(update.deployment?.id, 7);
    assert.match(update.xml ?? '', /UpdateID="00000000-0000-4000-8000-00000000000a"/);
  });

  it('offers nothing that waits on a prerequisite the client did not report installed', () => {
    const catalog = categoryTree().approve(CUMULATIVE, ALL_COMPUTERS_GROUP_ID);
    // Everything but the detectoid installed: the update stays back, the detectoid is only "other cached".
    const out = syncUpdates(catalog.view, query(softwarePass([101, 102, 103, 104], [105])));
    assert.equal(out.result.newUpdates, undefined);
    const out2 = syncUpdates(catalog.view, query(softwarePass([101, 102, 103, 104, 105])));
    assert.deepEqual(idsOf(out2.result.newUpdates), [110]);
  });

  it('satisfies an OR-clause with any one of its members', () => {
    const catalog = new ScanCatalogBuilder()
      .revision({ revisionId: 1, updateId: guid(1), type: 'Detectoid' })
      .revision({ revisionId: 2, updateId: guid(2), type: 'Detectoid' })
      .revision({ revisionId: 3, updateId: guid(3), prerequisites: [[guid(1), guid(2)]] })
      .approve(guid(3), ALL_COMPUTERS_GROUP_ID);
    assert.deepEqual(idsOf(syncUpdates(catalog.view, query(softwarePass([2], [1]))).result.newUpdates), [3]);
  });

  it('serves one revision per update, the highest, and retires the older one the client cached', () => {
    const catalog = categoryTree()
      .approve(CUMULATIVE, ALL_COMPUTERS_GROUP_ID)
      .revision({ revisionId: 111, updateId: CUMULATIVE, revisionNumber: 101, prerequisites: [[WINDOWS_11]], categoryIds: [WINDOWS_11] });
    const out = syncUpdates(catalog.view, query(softwarePass([101, 102, 103, 104, 105], [110])));
    assert.deepEqual(idsOf(out.result.newUpdates), [111]);
    assert.deepEqual(out.result.outOfScopeRevisionIds, [110]);
  });
});

describe('SyncUpdates: deployments', () => {
  it('sends bundle members with Action Bundle and IsLeaf true, the approved bundle with Install', () => {
    const catalog = new ScanCatalogBuilder()
      .revision({ revisionId: 20, updateId: guid(20) })
      .revision({ revisionId: 21, updateId: guid(21) })
      .revision({ revisionId: 22, updateId: guid(22), bundled: [guid(20), guid(21)] })
      .approve(guid(22), ALL_COMPUTERS_GROUP_ID, 'Install', { deploymentId: 9 });

    const out = syncUpdates(catalog.view, query(softwarePass()));

    assert.deepEqual(idsOf(out.result.newUpdates), [20, 21, 22]);
    for (const id of [20, 21]) {
      const member = byId(out.result.newUpdates, id);
      assert.equal(member.deployment?.action, 'Bundle');
      assert.equal(member.deployment?.id, syntheticDeploymentId('bundle', id));
      assert.equal(member.isLeaf, true);
    }
    assert.equal(byId(out.result.newUpdates, 22).deployment?.action, 'Install');
  });

  it('does not offer an unapproved bundle member on its own under the detect policy, and reports unapproved updates with PreDeploymentCheck', () => {
    const catalog = new ScanCatalogBuilder()
      .revision({ revisionId: 20, updateId: guid(20) })
      .revision({ revisionId: 22, updateId: guid(22), bundled: [guid(20)] })
      .revision({ revisionId: 23, updateId: guid(23) });
    const out = syncUpdates(catalog.view, query(softwarePass()), { ...DEFAULT_SYNC_UPDATES_SETTINGS, unapprovedPolicy: 'detect' });
    assert.deepEqual(
      (out.result.newUpdates ?? []).map((u) => [u.id, u.deployment?.action]),
      [
        [20, 'Bundle'],
        [22, 'PreDeploymentCheck'],
        [23, 'PreDeploymentCheck'],
      ],
    );
    const approvedOnly = syncUpdates(catalog.view, query(softwarePass()));
    assert.equal(approvedOnly.result.newUpdates, undefined, 'approved-only: nothing without an approval');
  });

  it('carries the deadline, OptionalInstall is not assigned, Block goes out as PreDeploymentCheck without deadline', () => {
    const catalog = new ScanCatalogBuilder()
      .revision({ revisionId: 30, updateId: guid(30) })
      .revision({ revisionId: 31, updateId: guid(31) })
      .revision({ revisionId: 32, updateId: guid(32) })
      .on('2026-11-02T23:59:59Z')
      .approve(guid(30), ALL_COMPUTERS_GROUP_ID, 'Install', { deadline: '2026-12-01T00:00:00Z', deploymentId: 1 })
      .approve(guid(31), ALL_COMPUTERS_GROUP_ID, 'OptionalInstall', { deploymentId: 2 })
      .approve(guid(32), ALL_COMPUTERS_GROUP_ID, 'Block', { deadline: '2026-12-01T00:00:00Z', deploymentId: 3 });
    const updates = syncUpdates(catalog.view, query(softwarePass())).result.newUpdates;
    assert.deepEqual(byId(updates, 30).deployment, {
      id: 1,
      action: 'Install',
      deadline: '2026-12-01T00:00:00Z',
      isAssigned: true,
      lastChangeTime: '2026-11-02',
      autoSelect: '0',
      autoDownload: '0',
      supersedenceBehavior: '0',
    });
    assert.equal(byId(updates, 31).deployment?.isAssigned, false);
    assert.equal(byId(updates, 32).deployment?.action, 'PreDeploymentCheck');
    assert.equal(byId(updates, 32).deployment?.deadline, undefined);
  });

  it('sends AutoSelect/AutoDownload/SupersedenceBehavior only to clients of protocol 1.8 or later, DriverSyncNotNeeded only from 1.7', () => {
    const catalog = categoryTree();
    const old = syncUpdates(catalog.view, query(softwarePass(), { clientProtocolVersion: '1.6' }));
    const d = old.result.newUpdates![0]!.deployment!;
    assert.equal('autoSelect' in d || 'autoDownload' in d || 'supersedenceBehavior' in d, false);
    assert.equal('driverSyncNotNeeded' in old.result, false);
    const v17 = syncUpdates(catalog.view, query(softwarePass(), { clientProtocolVersion: '1.7' }));
    assert.equal(v17.result.driverSyncNotNeeded, true);
    assert.equal('autoSelect' in v17.result.newUpdates![0]!.deployment!, false);
    const v110 = syncUpdates(catalog.view, query(softwarePass(), { clientProtocolVersion: '1.10' }));
    assert.equal(v110.result.newUpdates![0]!.deployment!.autoSelect, '0');
  });
});

describe('SyncUpdates: declines and withdrawn approvals', () => {
  it('never sends a declined update, and tells a client that cached it to drop it', () => {
    const catalog = new ScanCatalogBuilder()
      .revision({ revisionId: 40, updateId: guid(40) })
      .revision({ revisionId: 41, updateId: guid(41) })
      .approve(guid(40), ALL_COMPUTERS_GROUP_ID)
      .approve(guid(41), ALL_COMPUTERS_GROUP_ID)
      .decline(guid(40));
    const fresh = syncUpdates(catalog.view, query(softwarePass()), { ...DEFAULT_SYNC_UPDATES_SETTINGS, unapprovedPolicy: 'detect' });
    assert.deepEqual(idsOf(fresh.result.newUpdates), [41]);
    const cached = syncUpdates(catalog.view, query(softwarePass([], [40, 41])));
    assert.deepEqual(cached.result.outOfScopeRevisionIds, [40]);
    catalog.undecline(guid(40));
    assert.deepEqual(idsOf(syncUpdates(catalog.view, query(softwarePass())).result.newUpdates), [40, 41]);
  });

  it('withdrawing an approval puts the revision out of scope (approved-only) or back to PreDeploymentCheck (detect)', () => {
    const catalog = new ScanCatalogBuilder().revision({ revisionId: 50, updateId: guid(50) }).approve(guid(50), ALL_COMPUTERS_GROUP_ID);
    const first = syncUpdates(catalog.view, query(softwarePass()));
    assert.deepEqual(idsOf(first.result.newUpdates), [50]);

    catalog.removeApproval(guid(50), ALL_COMPUTERS_GROUP_ID);

    const rescan = syncUpdates(catalog.view, query(softwarePass([], [50]), { lastSyncAnchor: first.lastSyncAnchor }));
    assert.deepEqual(rescan.result.outOfScopeRevisionIds, [50]);
    assert.equal(rescan.result.changedUpdates, undefined);
    const detect = syncUpdates(catalog.view, query(softwarePass([], [50]), { lastSyncAnchor: first.lastSyncAnchor }), {
      ...DEFAULT_SYNC_UPDATES_SETTINGS,
      unapprovedPolicy: 'detect',
    });
    assert.equal(detect.result.outOfScopeRevisionIds, undefined);
    assert.equal(byId(detect.result.changedUpdates, 50).deployment?.action, 'PreDeploymentCheck');
  });
});

describe('SyncUpdates: the cached ids a client sends', () => {
  it('answers each cached id once, whatever the client repeats or sends that the index never held', () => {
    const catalog = new ScanCatalogBuilder()
      .revision({ revisionId: 70, updateId: guid(70) })
      .revision({ revisionId: 71, updateId: guid(71) })
      .revision({ revisionId: 72, updateId: guid(72) })
      .approve(guid(70), ALL_COMPUTERS_GROUP_ID)
      .approve(guid(71), ALL_COMPUTERS_GROUP_ID)
      .approve(guid(72), ALL_COMPUTERS_GROUP_ID);
    const first = syncUpdates(catalog.view, query(softwarePass()));
    catalog.on('2026-10-21T08:00:00Z').approve(guid(71), ALL_COMPUTERS_GROUP_ID, 'Install', { deadline: '2026-11-30T00:00:00Z' });
    // 71 changed (twice in the request, in both lists); 900,000 and -3 are no revision (twice each); 72 is not cached.
    const rescan = syncUpdates(
      catalog.view,
      query(softwarePass([71, 900_000], [70, 71, 900_000, -3, 70, -3]), { lastSyncAnchor: first.lastSyncAnchor }),
    );
    assert.deepEqual(idsOf(rescan.result.changedUpdates), [71]);
    assert.deepEqual(rescan.result.outOfScopeRevisionIds, [900_000, -3]);
    assert.deepEqual(idsOf(rescan.result.newUpdates), [72]);
    // The next call does not see this call's ids: a client that caches nothing is offered everything.
    assert.deepEqual(idsOf(syncUpdates(catalog.view, query(softwarePass([], []))).result.newUpdates), [70, 71, 72]);
  });
});

describe('SyncUpdates: ChangedUpdates against the cookie anchor', () => {
  it('reports a deadline change once, and nothing when nothing changed after the anchor', () => {
    const catalog = new ScanCatalogBuilder()
      .revision({ revisionId: 60, updateId: guid(60) })
      .revision({ revisionId: 61, updateId: guid(61) })
      .approve(guid(60), ALL_COMPUTERS_GROUP_ID, 'Install', { deploymentId: 5 })
      .approve(guid(61), ALL_COMPUTERS_GROUP_ID, 'Install', { deploymentId: 6 });
    const first = syncUpdates(catalog.view, query(softwarePass()));

    const quiet = syncUpdates(catalog.view, query(softwarePass([], [60, 61]), { lastSyncAnchor: first.lastSyncAnchor }));
    assert.equal(quiet.result.changedUpdates, undefined);
    assert.equal(quiet.result.newUpdates, undefined);
    assert.equal(quiet.result.outOfScopeRevisionIds, undefined);

    catalog.on('2026-10-20T08:00:00Z').approve(guid(60), ALL_COMPUTERS_GROUP_ID, 'Install', { deadline: '2026-10-31T00:00:00Z', deploymentId: 8 });
    const changed = syncUpdates(catalog.view, query(softwarePass([], [60, 61]), { lastSyncAnchor: first.lastSyncAnchor }));
    assert.deepEqual(idsOf(changed.result.changedUpdates), [60]);
    assert.deepEqual(changed.result.changedUpdates![0]!.deployment, {
      id: 8,
      action: 'Install',
      deadline: '2026-10-31T00:00:00Z',
      isAssigned: true,
      lastChangeTime: '2026-10-20',
      autoSelect: '0',
      autoDownload: '0',
      supersedenceBehavior: '0',
    });
    assert.notEqual(changed.lastSyncAnchor, first.lastSyncAnchor);

    const after = syncUpdates(catalog.view, query(softwarePass([], [60, 61]), { lastSyncAnchor: changed.lastSyncAnchor }));
    assert.equal(after.result.changedUpdates, undefined);
  });

  it('ignores approval changes in groups the computer is not in', () => {
    const other = guid(0xabc);
    const catalog = new ScanCatalogBuilder().group(other, 'Servers', null).revision({ revisionId: 62, updateId: guid(62) }).approve(guid(62), ALL_COMPUTERS_GROUP_ID);
    const first = syncUpdates(catalog.view, query(softwarePass()));
    catalog.approve(guid(62), other, 'Uninstall');
    const rescan = syncUpdates(catalog.view, query(softwarePass([], [62]), { lastSyncAnchor: first.lastSyncAnchor }));
    assert.equal(rescan.result.changedUpdates, undefined);
  });

  it('reports an IsLeaf flip when a new revision makes an update a prerequisite', () => {
    const catalog = new ScanCatalogBuilder()
      .revision({ revisionId: 63, updateId: guid(63), type: 'Detectoid' })
      .revision({ revisionId: 64, updateId: guid(64) })
      .approve(guid(64), ALL_COMPUTERS_GROUP_ID);
    const first = syncUpdates(catalog.view, query(softwarePass()));
    assert.equal(byId(first.result.newUpdates, 63).isLeaf, true);
    catalog.revision({ revisionId: 65, updateId: guid(64), revisionNumber: 101, prerequisites: [[guid(63)]] });
    const rescan = syncUpdates(catalog.view, query(softwarePass([], [63, 64]), { lastSyncAnchor: first.lastSyncAnchor }));
    assert.equal(byId(rescan.result.changedUpdates, 63).isLeaf, false);
    assert.deepEqual(rescan.result.outOfScopeRevisionIds, [64]);
  });

  it('treats a cookie without an anchor as "everything cached may have changed"', () => {
    const catalog = new ScanCatalogBuilder().revision({ revisionId: 66, updateId: guid(66) }).approve(guid(66), ALL_COMPUTERS_GROUP_ID);
    const out = syncUpdates(catalog.view, query(softwarePass([], [66]), { lastSyncAnchor: null }));
    assert.deepEqual(idsOf(out.result.changedUpdates), [66]);
  });
});

describe('SyncUpdates: paging', () => {
  const manyApproved = (count: number): ScanCatalogBuilder => {
    const catalog = new ScanCatalogBuilder();
    for (let i = 0; i < count; i += 1) catalog.revision({ revisionId: 1000 + i, updateId: guid(1000 + i) }).approve(guid(1000 + i), ALL_COMPUTERS_GROUP_ID);
    return catalog;
  };

  it('pages NewUpdates 30 at a time with Truncated until the last page', () => {
    const rounds = runSoftwareScan(manyApproved(70).view, emptyClientCache());
    assert.deepEqual(
      rounds.map((r) => [idsOf(r.result.newUpdates).length, r.result.truncated]),
      [
        [30, true],
        [30, true],
        [10, false],
      ],
    );
    const all = rounds.flatMap((r) => idsOf(r.result.newUpdates));
    assert.equal(new Set(all).size, 70);
  });

  it('does not mark an exactly full last page as truncated', () => {
    const rounds = runSoftwareScan(manyApproved(30).view, emptyClientCache());
    assert.deepEqual(
      rounds.map((r) => [idsOf(r.result.newUpdates).length, r.result.truncated]),
      [[30, false]],
    );
  });

  it('takes the page size from the settings', () => {
    const rounds = runSoftwareScan(manyApproved(25).view, emptyClientCache(), { settings: { ...DEFAULT_SYNC_UPDATES_SETTINGS, pageSize: 10 } });
    assert.deepEqual(
      rounds.map((r) => idsOf(r.result.newUpdates).length),
      [10, 10, 5],
    );
  });
});

describe('SyncUpdates: groups', () => {
  const SITE = guid(0x100);
  const SITE_LAB = guid(0x101);
  const SITE_LAB_GPU = guid(0x102);
  const OTHER = guid(0x200);
  const nested = (): ScanCatalogBuilder =>
    new ScanCatalogBuilder()
      .group(SITE, 'Site', null)
      .group(SITE_LAB, 'Lab', SITE)
      .group(SITE_LAB_GPU, 'GPU', SITE_LAB)
      .group(OTHER, 'Other', null)
      .revision({ revisionId: 70, updateId: guid(70) })
      .revision({ revisionId: 71, updateId: guid(71) })
      .revision({ revisionId: 72, updateId: guid(72) })
      .revision({ revisionId: 73, updateId: guid(73) })
      .approve(guid(70), SITE)
      .approve(guid(71), SITE_LAB_GPU)
      .approve(guid(72), OTHER)
      .approve(guid(73), ALL_COMPUTERS_GROUP_ID);

  it('a computer in a nested group inherits every ancestor approval and All Computers', () => {
    const catalog = nested().assign('gpu-box', SITE_LAB_GPU).assign('lab-box', SITE_LAB);
    const ids = (computerId: string): number[] => idsOf(syncUpdates(catalog.view, query(softwarePass(), { computerId })).result.newUpdates);
    assert.deepEqual(ids('gpu-box'), [70, 71, 73]);
    assert.deepEqual(ids('lab-box'), [70, 73]);
  });

  it('a computer with no membership is in Unassigned Computers, and leaves it when assigned', () => {
    const catalog = nested().revision({ revisionId: 74, updateId: guid(74) }).approve(guid(74), UNASSIGNED_COMPUTERS_GROUP_ID);
    const first = syncUpdates(catalog.view, query(softwarePass(), { computerId: 'new-box' }));
    assert.deepEqual(idsOf(first.result.newUpdates), [73, 74]);

    catalog.assign('new-box', OTHER);

    const rescan = syncUpdates(catalog.view, query(softwarePass([], [73, 74]), { computerId: 'new-box', lastSyncAnchor: first.lastSyncAnchor }));
    assert.deepEqual(idsOf(rescan.result.newUpdates), [72]);
    assert.deepEqual(rescan.result.outOfScopeRevisionIds, [74]);
    assert.deepEqual(idsOf(rescan.result.changedUpdates), [73], 'membership moved: cached deployments are re-sent');
  });

  it('uses the cookie groups under client-side targeting and the log membership under server-side targeting', () => {
    const catalog = nested().assign('pc-1', OTHER);
    const withCookie = (): number[] => idsOf(syncUpdates(catalog.view, query(softwarePass(), { cookieGroupIds: [SITE] })).result.newUpdates);
    assert.deepEqual(withCookie(), [72, 73]);
    catalog.apply({ type: 'TargetingModeChanged', data: { mode: 'client-side' } });
    assert.deepEqual(withCookie(), [70, 73]);
  });

  it('resolves conflicting approvals across groups: Install over Uninstall, the earliest deadline, Block over all', () => {
    const catalog = nested()
      .assign('pc-1', SITE, OTHER)
      .revision({ revisionId: 75, updateId: guid(75) })
      .approve(guid(75), SITE, 'Uninstall', { deploymentId: 50 })
      .approve(guid(75), OTHER, 'Install', { deadline: '2026-12-24T00:00:00Z', deploymentId: 51 })
      .approve(guid(75), ALL_COMPUTERS_GROUP_ID, 'Install', { deadline: '2026-12-01T00:00:00Z', deploymentId: 52 });
    const d = byId(syncUpdates(catalog.view, query(softwarePass())).result.newUpdates, 75).deployment!;
    assert.deepEqual([d.id, d.action, d.deadline], [52, 'Install', '2026-12-01T00:00:00Z']);
    catalog.approve(guid(75), SITE_LAB, 'Block', { deploymentId: 53 });
    assert.equal(byId(syncUpdates(catalog.view, query(softwarePass())).result.newUpdates, 75).deployment!.id, 52, 'Block in a group the computer is not in');
    catalog.approve(guid(75), SITE, 'Block', { deploymentId: 54 });
    assert.equal(byId(syncUpdates(catalog.view, query(softwarePass())).result.newUpdates, 75).deployment!.action, 'PreDeploymentCheck');
  });

  it('a deleted group takes its approvals with it, and its computers fall back to Unassigned Computers (as in WSUS)', () => {
    const catalog = nested().assign('gpu-box', SITE_LAB_GPU);
    const first = syncUpdates(catalog.view, query(softwarePass(), { computerId: 'gpu-box' }));
    catalog.deleteGroup(SITE_LAB_GPU);
    const rescan = syncUpdates(catalog.view, query(softwarePass([], idsOf(first.result.newUpdates)), { computerId: 'gpu-box', lastSyncAnchor: first.lastSyncAnchor }));
    assert.deepEqual(rescan.result.outOfScopeRevisionIds, [70, 71]);
    assert.deepEqual(idsOf(rescan.result.changedUpdates), [73]);
  });
});

describe('SyncUpdates: category scans and the driver pass', () => {
  it('returns only what relates to FilterCategoryIds, and splits out-of-scope ids when asked', () => {
    const OFFICE = guid(20);
    const catalog = categoryTree()
      .revision({ revisionId: 120, updateId: OFFICE, type: 'Category', prerequisites: [[MICROSOFT]], categoryIds: [MICROSOFT] })
      .revision({ revisionId: 121, updateId: guid(21), prerequisites: [[OFFICE]], categoryIds: [OFFICE] })
      .approve(CUMULATIVE, ALL_COMPUTERS_GROUP_ID)
      .approve(guid(21), ALL_COMPUTERS_GROUP_ID);
    const rounds = runSoftwareScan(catalog.view, emptyClientCache(), { filterCategoryIds: [OFFICE] });
    assert.deepEqual(
      rounds.map((r) => idsOf(r.result.newUpdates)),
      [[101], [120], [121]],
    );
    const split = syncUpdates(
      catalog.view,
      query(softwarePass([101, 120], [104, 121, 999], { filterCategoryIds: [OFFICE], needTwoGroupOutOfScopeUpdates: true })),
    );
    assert.deepEqual(split.result.deployedOutOfScopeRevisionIds, [104]);
    assert.deepEqual(split.result.outOfScopeRevisionIds, [999]);
    assert.equal(split.result.driverSyncNotNeeded, true);
  });

  it('a company or product family covers the products under it; a classification takes its updates, also when named without IsCategory', () => {
    const CONTOSO = guid(50);
    const SUITE = guid(51);
    const TOOLS = guid(52);
    const VIEWER = guid(53);
    const OTHER_PRODUCT = guid(54);
    const UPDATES = guid(55);
    const SECURITY = guid(56);
    const catalog = new ScanCatalogBuilder()
      .revision({ revisionId: 150, updateId: CONTOSO, type: 'Category', categoryType: 'Company' })
      .revision({ revisionId: 151, updateId: SUITE, type: 'Category', categoryType: 'ProductFamily', prerequisites: [[CONTOSO]], categoryIds: [CONTOSO] })
      .revision({ revisionId: 152, updateId: TOOLS, type: 'Category', categoryType: 'Product', prerequisites: [[SUITE]], categoryIds: [SUITE] })
      // A product directly under the company, as some of Microsoft's are.
      .revision({ revisionId: 153, updateId: VIEWER, type: 'Category', categoryType: 'Product', prerequisites: [[CONTOSO]], categoryIds: [CONTOSO] })
      .revision({ revisionId: 154, updateId: OTHER_PRODUCT, type: 'Category', categoryType: 'Product' })
      .revision({ revisionId: 155, updateId: UPDATES, type: 'Category', categoryType: 'UpdateClassification' })
      .revision({ revisionId: 156, updateId: SECURITY, type: 'Category', categoryType: 'UpdateClassification' })
      .revision({ revisionId: 160, updateId: guid(60), prerequisites: [[TOOLS], [UPDATES]], categoryIds: [TOOLS, UPDATES] })
      .revision({ revisionId: 161, updateId: guid(61), prerequisites: [[VIEWER], [SECURITY]], categoryIds: [VIEWER, SECURITY] })
      // Names its classification without IsCategory (as ccb78947 r200 does).
      .revision({ revisionId: 162, updateId: guid(62), prerequisites: [[OTHER_PRODUCT], [SECURITY]], categoryIds: [OTHER_PRODUCT] });
    for (const id of [60, 61, 62]) catalog.approve(guid(id), ALL_COMPUTERS_GROUP_ID);
    const offered = (filter: string[]): number[] => {
      const rounds = runSoftwareScan(catalog.view, emptyClientCache(), { filterCategoryIds: filter });
      return rounds.flatMap((r) => idsOf(r.result.newUpdates)).sort((a, b) => a - b);
    };
    const updatesOf = (ids: number[]): number[] => ids.filter((id) => id >= 160);
    assert.deepEqual(updatesOf(offered([TOOLS])), [160]);
    assert.deepEqual(updatesOf(offered([SUITE])), [160], 'the family covers its product');
    assert.deepEqual(updatesOf(offered([CONTOSO.toUpperCase()])), [160, 161], 'the company covers the family\'s product and its own');
    assert.deepEqual(updatesOf(offered([SECURITY])), [161, 162]);
    assert.deepEqual(updatesOf(offered([OTHER_PRODUCT, UPDATES])), [160, 162]);
    // The tree above what is asked comes along as prerequisites, nothing beside it.
    assert.deepEqual(offered([SUITE]), [150, 151, 152, 155, 160]);
  });

  it('category kinds for StartCategoryScan: the product tree, classifications, other categories, and what is not a category', () => {
    const catalog = new ScanCatalogBuilder()
      .revision({ revisionId: 1, updateId: guid(1), type: 'Category', categoryType: 'Company' })
      .revision({ revisionId: 2, updateId: guid(2), type: 'Category', categoryType: 'ProductFamily' })
      .revision({ revisionId: 3, updateId: guid(3), type: 'Category', categoryType: 'Product' })
      .revision({ revisionId: 4, updateId: guid(4), type: 'Category', categoryType: 'UpdateClassification' })
      .revision({ revisionId: 5, updateId: guid(5), type: 'Category', categoryType: 'Ring' })
      .revision({ revisionId: 6, updateId: guid(6), type: 'Category' })
      .revision({ revisionId: 7, updateId: guid(7), type: 'Detectoid' })
      .revision({ revisionId: 8, updateId: guid(8) });
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => catalog.view.categoryKind(guid(n))),
      ['product', 'product', 'product', 'classification', 'other', 'product', undefined, undefined, undefined],
    );
    assert.equal(catalog.view.categoryKind(guid(4).toUpperCase()), 'classification');
  });

  it('a category scan sends the same Deployment as the full scan would', () => {
    const P1 = guid(40);
    const P2 = guid(41);
    const catalog = new ScanCatalogBuilder()
      .revision({ revisionId: 140, updateId: P1, type: 'Category' })
      .revision({ revisionId: 141, updateId: P2, type: 'Category' })
      .revision({ revisionId: 142, updateId: guid(42) })
      .revision({ revisionId: 143, updateId: guid(43), bundled: [guid(42)], prerequisites: [[P1]], categoryIds: [P1] })
      .revision({ revisionId: 144, updateId: guid(44), prerequisites: [[P2], [guid(42)]], categoryIds: [P2] })
      .approve(guid(43), ALL_COMPUTERS_GROUP_ID)
      .approve(guid(44), ALL_COMPUTERS_GROUP_ID);
    const out = syncUpdates(catalog.view, query(softwarePass([141], [], { filterCategoryIds: [P2] })));
    assert.equal(byId(out.result.newUpdates, 142).deployment?.action, 'Bundle', 'bundled by 143 even though only 144 is in the category');
  });

  it('a category scan keeps the watermark when a change outside its categories is left for the next full scan', () => {
    const OFFICE = guid(20);
    const catalog = categoryTree()
      .revision({ revisionId: 120, updateId: OFFICE, type: 'Category', prerequisites: [[MICROSOFT]], categoryIds: [MICROSOFT] })
      .revision({ revisionId: 121, updateId: guid(21), prerequisites: [[OFFICE]], categoryIds: [OFFICE] })
      .approve(CUMULATIVE, ALL_COMPUTERS_GROUP_ID)
      .approve(guid(21), ALL_COMPUTERS_GROUP_ID);
    const cache = softwarePass([101, 102, 103, 104, 105, 120], [110, 121]);
    const full = syncUpdates(catalog.view, query(cache));
    catalog.approve(CUMULATIVE, ALL_COMPUTERS_GROUP_ID, 'Install', { deadline: '2026-12-01T00:00:00Z' });

    const categoryScan = syncUpdates(catalog.view, query({ ...cache, filterCategoryIds: [OFFICE] }, { lastSyncAnchor: full.lastSyncAnchor }));
    assert.equal(categoryScan.result.changedUpdates, undefined);
    assert.equal(categoryScan.lastSyncAnchor, full.lastSyncAnchor);

    const next = syncUpdates(catalog.view, query(cache, { lastSyncAnchor: categoryScan.lastSyncAnchor }));
    assert.deepEqual(idsOf(next.result.changedUpdates), [110]);
    assert.notEqual(next.lastSyncAnchor, full.lastSyncAnchor);
  });

  it('driver pass without drivers: no NewUpdates, Truncated false, DriverSyncNotNeeded true', () => {
    const catalog = categoryTree().approve(CUMULATIVE, ALL_COMPUTERS_GROUP_ID);
    const out = syncUpdates(catalog.view, query({ expressQuery: false, skipSoftwareSync: true, installedNonLeafUpdateIds: [101, 102], systemSpec: [] }));
    assert.deepEqual(out.result, { truncated: false, driverSyncNotNeeded: true });
  });

  it('driver pass offers an approved driver only to a device it matches, with Deployment.HardwareIds; the software pass says a driver pass is needed', () => {
    const catalog = categoryTree()
      .revision({ revisionId: 130, updateId: guid(30), type: 'Driver', drivers: [driverRow('PCI\\VEN_8086&DEV_1234'), driverRow('PCI\\VEN_8086&DEV_9999')] })
      .approve(guid(30), ALL_COMPUTERS_GROUP_ID);
    const matching = syncUpdates(catalog.view, query(driverPass([device(['PCI\\VEN_8086&DEV_1234&SUBSYS_1'], ['PCI\\VEN_8086&DEV_1234'])], { cachedDriverIds: [131] })));
    assert.deepEqual(idsOf(matching.result.newUpdates), [130]);
    assert.deepEqual(matching.result.newUpdates?.[0]?.deployment?.hardwareIds, ['PCI\\VEN_8086&DEV_1234']);
    assert.deepEqual(matching.result.outOfScopeRevisionIds, [131]);
    assert.equal(matching.result.driverSyncNotNeeded, false);
    // No matching device (or no SystemSpec at all): nothing needed; the cached copy goes out of scope.
    const other = syncUpdates(catalog.view, query(driverPass([device(['USB\\VID_1'])], { cachedDriverIds: [130] })));
    assert.deepEqual([other.result.newUpdates, other.result.outOfScopeRevisionIds], [undefined, [130]]);
    assert.equal(syncUpdates(catalog.view, query(driverPass(undefined))).result.newUpdates, undefined);
    // Cached and still the best match: not new, not out of scope (a ChangedUpdate only when it changed).
    const cached = syncUpdates(catalog.view, query(driverPass([device(['PCI\\VEN_8086&DEV_9999'])], { cachedDriverIds: [130] })), );
    assert.deepEqual([cached.result.newUpdates, cached.result.outOfScopeRevisionIds, idsOf(cached.result.changedUpdates)], [undefined, undefined, [130]]);
    // Deployment.HardwareIds only for clients of protocol 1.6 or later.
    const old = syncUpdates(catalog.view, query(driverPass([device(['PCI\\VEN_8086&DEV_1234'])]), { clientProtocolVersion: '1.5' }));
    assert.equal(old.result.newUpdates?.[0]?.deployment?.hardwareIds, undefined);
    const software = syncUpdates(catalog.view, query(softwarePass()));
    assert.equal(idsOf(software.result.newUpdates).includes(130), false);
    assert.equal(software.result.driverSyncNotNeeded, false);
  });

  it('driver pass: one revision per update (the highest), the better of two approved drivers, Block never offered, prerequisites staged', () => {
    const catalog = categoryTree()
      .revision({ revisionId: 140, updateId: guid(40), type: 'Driver', drivers: [driverRow('HID\\VID_1', { driverVerDate: '2024-01-01' })] })
      .revision({ revisionId: 141, updateId: guid(40), revisionNumber: 101, type: 'Driver', drivers: [driverRow('HID\\VID_1', { driverVerDate: '2024-02-01' })] })
      .revision({ revisionId: 150, updateId: guid(50), type: 'Driver', drivers: [driverRow('HID\\VID_1', { driverVerDate: '2024-03-01' })] })
      .revision({ revisionId: 160, updateId: guid(60), type: 'Driver', prerequisites: [[X64_DETECTOID]], drivers: [driverRow('HID\\VID_2')] })
      .approve(guid(40), ALL_COMPUTERS_GROUP_ID)
      .approve(guid(50), ALL_COMPUTERS_GROUP_ID, 'Block')
      .approve(guid(60), ALL_COMPUTERS_GROUP_ID);
    const devices = [device(['HID\\VID_1']), device(['HID\\VID_2'])];
    const first = syncUpdates(catalog.view, query(driverPass(devices)));
    assert.deepEqual(idsOf(first.result.newUpdates), [141]);
    const staged = syncUpdates(catalog.view, query(driverPass(devices, { installedNonLeafUpdateIds: [105] })));
    assert.deepEqual(idsOf(staged.result.newUpdates), [141, 160]);
    // Only a blocked driver in scope: nothing a driver pass could bring.
    const blockedOnly = categoryTree().revision({ revisionId: 150, updateId: guid(50), type: 'Driver', drivers: [driverRow('HID\\VID_1')] }).approve(guid(50), ALL_COMPUTERS_GROUP_ID, 'Block');
    assert.equal(syncUpdates(blockedOnly.view, query(softwarePass())).result.driverSyncNotNeeded, true);
  });

  it('driver pass: the same hardware asked again on one view follows every catalog change (selections are memoized per scope)', () => {
    const pilot = guid(9101);
    const catalog = categoryTree()
      .group(pilot, 'pilot', null)
      .revision({ revisionId: 180, updateId: guid(80), type: 'Driver', drivers: [driverRow('PCI\\VEN_8', { driverVerDate: '2024-01-01' })] })
      .revision({ revisionId: 190, updateId: guid(90), type: 'Driver', drivers: [driverRow('PCI\\VEN_8', { driverVerDate: '2024-06-01' })] })
      .approve(guid(80), ALL_COMPUTERS_GROUP_ID);
    const offered = (): number[] => idsOf(syncUpdates(catalog.view, query(driverPass([device(['PCI\\VEN_8'])]))).result.newUpdates);
    assert.deepEqual(offered(), [180]);
    assert.deepEqual(offered(), [180], 'asked again: the same answer');
    catalog.approve(guid(90), pilot);
    assert.deepEqual(offered(), [180], 'an approval in a group the computer is not in changes nothing');
    catalog.approve(guid(90), ALL_COMPUTERS_GROUP_ID);
    assert.deepEqual(offered(), [190], 'the newer driver approved: it wins');
    catalog.removeApproval(guid(90), ALL_COMPUTERS_GROUP_ID);
    assert.deepEqual(offered(), [180], 'its approval withdrawn: back to the older one');
    catalog.revision({ revisionId: 200, updateId: guid(80), revisionNumber: 101, type: 'Driver', drivers: [driverRow('PCI\\VEN_8', { driverVerDate: '2024-02-01' })] });
    assert.deepEqual(offered(), [200], 'a new revision of the approved driver is served');
    catalog.decline(guid(80));
    assert.deepEqual(offered(), [], 'declined: nothing left to offer');
    // Other hardware on the same scope gets its own answer, not the memoized one.
    catalog.undecline(guid(80));
    assert.deepEqual(idsOf(syncUpdates(catalog.view, query(driverPass([device(['USB\\VID_9'])]))).result.newUpdates), []);
    assert.deepEqual(offered(), [200]);
  });

  it('driver pass: an Uninstall approval reaches only devices that list the update in DriverRecoveryIDs', () => {
    const catalog = categoryTree()
      .revision({ revisionId: 170, updateId: guid(70), type: 'Driver', drivers: [driverRow('PCI\\VEN_7')] })
      .approve(guid(70), ALL_COMPUTERS_GROUP_ID, 'Uninstall');
    const without = syncUpdates(catalog.view, query(driverPass([device(['PCI\\VEN_7'])])));
    assert.equal(without.result.newUpdates, undefined);
    const recovering = syncUpdates(catalog.view, query(driverPass([device(['PCI\\VEN_7'], [], { driverRecoveryIds: [`{${guid(70).toUpperCase()}}`] })])));
    assert.deepEqual(recovering.result.newUpdates?.map((u) => [u.id, u.deployment?.action]), [[170, 'Uninstall']]);
  });
});

function device(hardwareIds: string[], compatibleIds: string[] = [], extra: Partial<Device> = {}): Device {
  return { hardwareIds, ...(compatibleIds.length > 0 ? { compatibleIds } : {}), ...extra };
}

function driverPass(systemSpec: Device[] | undefined, extra: Partial<SyncUpdatesQuery['parameters']> = {}): SyncUpdatesQuery['parameters'] {
  return { expressQuery: false, skipSoftwareSync: true, ...(systemSpec === undefined ? {} : { systemSpec }), featureScoreMatchingKey: 'AMD64.10.0', ...extra };
}
