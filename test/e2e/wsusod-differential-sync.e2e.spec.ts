import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type SyncPage, WindowsUpdateAgentClient } from '#test-support';
import { kid, kids, textOf } from '../support/wua-client/wua-xml.js';
import { type BuiltCatalog, buildScenarioCatalog, newScenarioIds, ScenarioServer, softwareDocument, UPDATES_CLASSIFICATION } from '../support/scenario/index.js';

/**
 * MS-WSUSOD 3.4, "Differential update synchronization to update client": a client that synced once
 * scans again with its cache (InstalledNonLeafUpdateIDs, OtherCachedUpdateIDs) and its cookie's
 * anchor, after each administrator change, and gets exactly the difference: NewUpdates for what
 * came into scope, ChangedUpdates for a deployment that moved, OutOfScopeRevisionIDs for what left.
 */
describe('MS-WSUSOD 3.4: differential update synchronization to an update client', () => {
  const server = new ScenarioServer('wsusod-3-4');
  const clientId = randomUUID();
  let catalog: BuiltCatalog;
  let client: WindowsUpdateAgentClient;

  before(async () => {
    await server.start();
    catalog = await buildScenarioCatalog(server.api, newScenarioIds(), { computerId: clientId });
    const chain = new Set([catalog.ids.chainA, catalog.ids.chainB]);
    client = new WindowsUpdateAgentClient(
      server.url,
      { clientId, dnsName: 'pc-3-4.contoso.test' },
      { evaluator: (u) => (u.updateType === 'Category' || u.updateType === 'Detectoid' || chain.has(u.updateId ?? '') ? 'installed' : 'not-installed') },
    );
    await client.handshake();
    await client.syncSoftware();
    await client.syncDrivers();
  });
  after(() => server.dispose());

  const rev = (updateId: string): number => catalog.revisionIds.get(updateId)!;

  /** One differential scan (as many calls as the client needs), summed up. */
  async function differentialScan(): Promise<{ newIds: number[]; changedIds: number[]; outOfScope: number[]; pages: SyncPage[] }> {
    const pages = await client.syncSoftware();
    const sorted = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);
    return {
      newIds: sorted(pages.flatMap((p) => p.newUpdates.map((u) => u.revisionId))),
      changedIds: sorted(pages.flatMap((p) => p.changedUpdates.map((u) => u.revisionId))),
      outOfScope: sorted(pages.flatMap((p) => p.outOfScope)),
      pages,
    };
  }

  it('returns nothing when nothing changed', async () => {
    const scan = await differentialScan();
    assert.deepEqual([scan.newIds, scan.changedIds, scan.outOfScope], [[], [], []]);
  });

  it('returns nothing for a change that does not concern the client (another group\'s approval)', async () => {
    const other = await server.api.ok<{ id: string }>('POST', '/api/v1/groups', { name: `Other ${randomUUID().slice(0, 6)}` });
    await server.api.approve(catalog.ids.later, other.id, 'Install');
    const scan = await differentialScan();
    assert.deepEqual([scan.newIds, scan.changedIds, scan.outOfScope], [[], [], []]);
  });

  it('a new approval: the update arrives in NewUpdates with Action Install', async () => {
    await server.api.approve(catalog.ids.later, catalog.groupId, 'Install');
    const scan = await differentialScan();
    assert.deepEqual([scan.newIds, scan.changedIds, scan.outOfScope], [[rev(catalog.ids.later)], [], []]);
    assert.equal(scan.pages[0]!.newUpdates[0]!.deploymentAction, 'Install');
  });

  it('an approval withdrawn: the revision goes to OutOfScopeRevisionIDs', async () => {
    await server.api.unapprove(catalog.ids.oldAgent, catalog.groupId);
    const scan = await differentialScan();
    assert.deepEqual([scan.newIds, scan.changedIds, scan.outOfScope], [[], [], [rev(catalog.ids.oldAgent)]]);
    assert.ok(!client.cache.has(rev(catalog.ids.oldAgent)), 'the client purged it');
  });

  it('a deadline changed: the update comes back in ChangedUpdates with the new deadline', async () => {
    const deadline = '2027-06-30T08:00:00.000Z';
    await server.api.approve(catalog.ids.chainC, catalog.groupId, 'Install', deadline);
    const scan = await differentialScan();
    assert.deepEqual([scan.newIds, scan.changedIds, scan.outOfScope], [[], [rev(catalog.ids.chainC)], []]);
    const changed = scan.pages[0]!.changedUpdates[0]!;
    assert.equal(Date.parse(changed.deadline ?? ''), Date.parse(deadline));
    assert.equal(changed.deploymentAction, 'Install');
  });

  it('a new revision of an approved update: the new RevisionID is new, the old one out of scope', async () => {
    const revised = softwareDocument({
      updateId: catalog.ids.newAgent,
      revisionNumber: 201,
      localizations: [{ language: 'en', title: 'Contoso Agent 2.1 (re-released)' }],
      categoryIds: [catalog.ids.product, UPDATES_CLASSIFICATION],
      supersededUpdateIds: [catalog.ids.oldAgent],
      files: [{ fileName: 'agent-2.1.exe', bytes: randomBytes(5100) }],
    });
    const newRevisionId = await server.api.importDocument(revised.xml, revised.files);
    assert.notEqual(newRevisionId, rev(catalog.ids.newAgent));
    const scan = await differentialScan();
    assert.deepEqual([scan.newIds, scan.changedIds, scan.outOfScope], [[newRevisionId], [], [rev(catalog.ids.newAgent)]]);
    const offered = scan.pages[0]!.newUpdates[0]!;
    assert.equal(offered.revisionNumber, 201);
    assert.equal(offered.deploymentAction, 'Install', 'the approval of the update carries to its new revision');
  });

  it('a decline: the bundle and its children go out of scope', async () => {
    await server.api.decline(catalog.ids.bundle);
    const scan = await differentialScan();
    const expected = [rev(catalog.ids.bundle), ...catalog.ids.bundleChildren.map(rev)].sort((a, b) => a - b);
    assert.deepEqual([scan.newIds, scan.changedIds, scan.outOfScope], [[], [], expected]);
  });

  it('GetExtendedUpdateInfo for revisions that left the scope: no fragments, OutOfScopeRevisionIDs', async () => {
    const gone = [rev(catalog.ids.bundle), rev(catalog.ids.oldAgent), rev(catalog.ids.newAgent)];
    const result = kid(await client.getExtendedUpdateInfo([...gone, rev(catalog.ids.chainC)], ['Extended', 'LocalizedProperties']), 'GetExtendedUpdateInfoResult');
    const ids = kids(kid(result, 'Updates'), 'Update').map((u) => Number(textOf(u, 'ID')));
    assert.deepEqual([...new Set(ids)], [rev(catalog.ids.chainC)]);
    assert.deepEqual(kids(kid(result, 'OutOfScopeRevisionIDs'), 'int').map((i) => Number(i.text)), gone);
  });

  it('un-declined and approved again: the bundle and its children come back as new', async () => {
    await server.api.ok('POST', `/api/v1/updates/${catalog.ids.bundle}/undecline`, {});
    const quiet = await differentialScan();
    assert.deepEqual([quiet.newIds, quiet.changedIds, quiet.outOfScope], [[], [], []], 'un-declining restores no approval');
    await server.api.approve(catalog.ids.bundle, catalog.groupId, 'Install');
    const scan = await differentialScan();
    const expected = [rev(catalog.ids.bundle), ...catalog.ids.bundleChildren.map(rev)].sort((a, b) => a - b);
    assert.deepEqual([scan.newIds, scan.changedIds, scan.outOfScope], [expected, [], []]);
  });

  it('and again nothing once the client is up to date', async () => {
    const scan = await differentialScan();
    assert.deepEqual([scan.newIds, scan.changedIds, scan.outOfScope], [[], [], []]);
    assert.equal(scan.pages.length, 1);
  });

  it('the computer moved to another group: what only the old group deployed leaves, the new group\'s approvals arrive', async () => {
    const { ids } = catalog;
    const other = await server.api.ok<{ id: string }>('POST', '/api/v1/groups', { name: `Moved ${randomUUID().slice(0, 6)}` });
    await server.api.approve(ids.chainC, other.id, 'OptionalInstall');
    await server.api.ok('PUT', `/api/v1/computers/${clientId}/groups`, { groupIds: [other.id] });
    const scan = await differentialScan();
    const gone = [ids.later, ids.bundle, ...ids.bundleChildren].map(rev);
    const newAgentNow = [...client.cache.values()].find((u) => u.updateId === ids.newAgent);
    assert.equal(newAgentNow, undefined, 'the new agent (approved for the old group only) left the cache');
    for (const id of gone) assert.ok(scan.outOfScope.includes(id), `${id} out of scope`);
    assert.deepEqual(scan.newIds, []);
    const chainC = scan.pages.flatMap((p) => p.changedUpdates).find((u) => u.revisionId === rev(ids.chainC));
    assert.equal(chainC?.deploymentAction, 'OptionalInstall', 'the new group\'s deployment replaces the old one');
    assert.equal(chainC?.deadline, undefined);
  });
});
