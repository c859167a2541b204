import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ApplicabilityEvaluator, WindowsUpdateAgentClient } from '#test-support';
import {
  applyRefreshCache,
  type BuiltCatalog,
  buildScenarioCatalog,
  faultOf,
  newScenarioIds,
  refreshCache,
  ScenarioServer,
  type ScenarioIds,
  SECURITY_UPDATES_CLASSIFICATION,
  setClientCookie,
  UPDATES_CLASSIFICATION,
} from '../support/scenario/index.js';

const identity = { clientId: randomUUID(), dnsName: 'pc-3-6.contoso.test' };

function evaluatorFor(ids: ScenarioIds): ApplicabilityEvaluator {
  const chain = new Set([ids.chainA, ids.chainB]);
  return (u) => (u.updateType === 'Category' || u.updateType === 'Detectoid' || chain.has(u.updateId ?? '') ? 'installed' : 'not-installed');
}

/** A client that moved: the old cookie and the old server's cache, a new base URL. */
function movedClient(from: WindowsUpdateAgentClient, url: string, ids: ScenarioIds): WindowsUpdateAgentClient {
  const moved = new WindowsUpdateAgentClient(url, identity, { evaluator: evaluatorFor(ids) });
  for (const [id, u] of from.cache) moved.cache.set(id, u);
  for (const id of from.installedNonLeaf) moved.installedNonLeaf.add(id);
  for (const id of from.otherCached) moved.otherCached.add(id);
  setClientCookie(moved, from.currentCookie);
  return moved;
}

/**
 * MS-WSUSOD 3.6, "Update client is pointed to a new update server": a client that synced with
 * server A (cookie and cache) talks to server B — its own data directory, identity and cookie key,
 * and its own RevisionIDs for the same updates. B refuses A's cookie; the client starts the
 * handshake again (GetConfig → GetAuthorizationCookie → GetCookie → RegisterComputer →
 * RefreshCache → GetFileLocations → SyncUpdates …); what B does not deploy leaves its cache; its
 * reports land on B.
 */
describe('MS-WSUSOD 3.6: update client pointed to a new update server', () => {
  const serverA = new ScenarioServer('wsusod-3-6-a');
  const serverB = new ScenarioServer('wsusod-3-6-b');
  const ids = newScenarioIds();
  let catalogA: BuiltCatalog;
  let catalogB: BuiltCatalog;
  let clientA: WindowsUpdateAgentClient;
  let client: WindowsUpdateAgentClient;

  before(async () => {
    await Promise.all([serverA.start(), serverB.start()]);
    catalogA = await buildScenarioCatalog(serverA.api, ids, { computerId: identity.clientId, fillerDetectoids: 5 });
    // B: the same updates minus the old agent and the bundle, under different RevisionIDs.
    catalogB = await buildScenarioCatalog(serverB.api, ids, {
      computerId: identity.clientId,
      paddingUpdates: 60,
      omit: new Set<keyof ScenarioIds>(['oldAgent', 'bundle', 'bundleChildren']),
    });
    clientA = new WindowsUpdateAgentClient(serverA.url, identity, { evaluator: evaluatorFor(ids) });
    await clientA.handshake();
    await clientA.syncSoftware();
    await clientA.syncDrivers();
  });
  after(async () => {
    await Promise.all([serverA.dispose(), serverB.dispose()]);
  });

  const sharedInScope = (): string[] => [
    ids.company, ids.family, ids.product, UPDATES_CLASSIFICATION, SECURITY_UPDATES_CLASSIFICATION, ids.detectoid,
    ids.chainA, ids.chainB, ids.chainC, ids.newAgent,
  ];

  it('the two servers number the same updates differently', () => {
    for (const updateId of sharedInScope()) assert.notEqual(catalogA.revisionIds.get(updateId), catalogB.revisionIds.get(updateId), updateId);
  });

  it('B refuses A\'s cookie with InvalidCookie (another key), on every cookie-bearing call', async () => {
    client = movedClient(clientA, serverB.url, ids);
    assert.equal(await faultOf(() => client.syncUpdatesPage()), 'InvalidCookie');
    assert.equal(await faultOf(() => client.getFileLocations([catalogA.documents.get(ids.chainC)!.digests[0]!.sha1])), 'InvalidCookie');
    assert.equal(await faultOf(() => refreshCache(client, [{ updateId: ids.chainC, revisionNumber: 200 }])), 'InvalidCookie');
    // GetCookie with A's cookie as oldCookie: "MUST … contain a valid cookie issued by this server".
    await client.getConfig();
    await client.getAuthorizationCookie();
    assert.equal(await faultOf(() => client.getCookie()), 'InvalidCookie');
  });

  it('after the handshake, RefreshCache maps the cached GlobalIDs B deploys to B\'s RevisionIDs', async () => {
    setClientCookie(client, null); // InvalidCookie: "the client MUST discard the cookie"
    await client.handshake();
    const cached = [...client.cache.values()].map((u) => ({ updateId: u.updateId!, revisionNumber: u.revisionNumber! }));
    const answers = await refreshCache(client, cached);
    const byUpdate = new Map(answers.map((a) => [a.updateId, a]));
    for (const updateId of sharedInScope()) {
      const answer = byUpdate.get(updateId);
      assert.ok(answer, `${updateId} remapped`);
      assert.equal(answer.revisionId, catalogB.revisionIds.get(updateId));
    }
    for (const updateId of [ids.oldAgent, ids.bundle, ...ids.bundleChildren, ...catalogA.fillerDetectoids]) {
      assert.ok(!byUpdate.has(updateId), `${updateId} is not on B: not remapped`);
    }
    assert.equal(byUpdate.get(ids.chainC)!.deploymentAction, 'Install');
    assert.equal(byUpdate.get(ids.chainA)!.isLeaf, false);
    applyRefreshCache(client, answers);
  });

  it('GetFileLocations on B gives B\'s URL for a file B holds', async () => {
    const [location] = await client.getFileLocations([catalogB.documents.get(ids.chainC)!.digests[0]!.sha1]);
    assert.ok(location?.url.startsWith(`${serverB.url}/Content/`), JSON.stringify(location));
  });

  it('the next scan puts what B does not deploy out of scope and leaves the cache equal to B\'s scope', async () => {
    const aOnly = [ids.oldAgent, ids.bundle, ...ids.bundleChildren, ...catalogA.fillerDetectoids].map((u) => catalogA.revisionIds.get(u)!);
    const pages = await client.syncSoftware();
    const outOfScope = new Set(pages.flatMap((p) => p.outOfScope));
    for (const id of aOnly) assert.ok(outOfScope.has(id), `A's revision ${id} is out of scope on B`);
    const remapped = new Set(sharedInScope().map((u) => catalogB.revisionIds.get(u)!));
    for (const u of pages.flatMap((p) => p.newUpdates)) assert.ok(!remapped.has(u.revisionId), `${u.revisionId} was remapped, not new`);
    const expected = new Map(sharedInScope().map((u) => [catalogB.revisionIds.get(u)!, u]));
    assert.deepEqual(
      [...client.cache.values()].map((u) => `${u.revisionId}:${u.updateId}`).sort(),
      [...expected].map(([id, u]) => `${id}:${u}`).sort(),
    );
    const drivers = await client.syncDrivers();
    assert.equal(drivers.driverSyncNotNeeded, 'true');
  });

  it('its reports land on B, not on A', async () => {
    assert.equal(await client.reportEvents([{ eventInstanceId: randomUUID(), eventId: 183, updateId: ids.newAgent, revisionNumber: 200 }]), true);
    let installed = 0;
    for (let i = 0; i < 100 && installed < 1; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      installed = (await serverB.api.ok<{ counts: { installed: number } }>('GET', `/api/v1/reports/updates/${ids.newAgent}`)).counts.installed;
    }
    assert.equal(installed, 1);
    const onA = await serverA.api.ok<{ counts: { installed: number } }>('GET', `/api/v1/reports/updates/${ids.newAgent}`);
    assert.equal(onA.counts.installed, 0);
  });
});

/**
 * The same move to a server that can open A's cookies (an operator copied A's cookie key) but is
 * another installation: ServerChanged (docs/protocol-decisions.md C6), then the same recovery.
 */
describe('MS-WSUSOD 3.6 with a shared cookie key: ServerChanged', () => {
  const serverA = new ScenarioServer('wsusod-3-6-keyed-a');
  const serverC = new ScenarioServer('wsusod-3-6-keyed-c');
  const ids = newScenarioIds();
  let clientA: WindowsUpdateAgentClient;

  before(async () => {
    await serverA.start();
    const keyOfA = readFileSync(path.join(serverA.dataDir, 'cookie-key'), 'utf8').trim();
    await serverC.start({ WATERSHED_COOKIE_KEYS: `local:${keyOfA}` });
    await buildScenarioCatalog(serverA.api, ids, { computerId: identity.clientId });
    await buildScenarioCatalog(serverC.api, ids, { computerId: identity.clientId, paddingUpdates: 40 });
    clientA = new WindowsUpdateAgentClient(serverA.url, identity, { evaluator: evaluatorFor(ids) });
    await clientA.handshake();
    await clientA.syncSoftware();
  });
  after(async () => {
    await Promise.all([serverA.dispose(), serverC.dispose()]);
  });

  it('refuses A\'s cookie with ServerChanged, also as GetCookie\'s oldCookie, and the client recovers', async () => {
    const client = movedClient(clientA, serverC.url, ids);
    assert.equal(await faultOf(() => client.syncUpdatesPage()), 'ServerChanged');
    await client.getConfig();
    await client.getAuthorizationCookie();
    assert.equal(await faultOf(() => client.getCookie()), 'ServerChanged');
    setClientCookie(client, null);
    await client.handshake();
    const answers = await refreshCache(client, [...client.cache.values()].map((u) => ({ updateId: u.updateId!, revisionNumber: u.revisionNumber! })));
    applyRefreshCache(client, answers);
    // WS2025 leaves Bundle-deployed revisions out of RefreshCache (observed-interop.md): they come again as new.
    assert.ok(!answers.some((a) => ids.bundleChildren.includes(a.updateId)));
    const pages = await client.syncSoftware();
    assert.deepEqual(
      pages.flatMap((p) => p.newUpdates.map((u) => `${u.updateId}:${u.deploymentAction}`)).sort(),
      ids.bundleChildren.map((u) => `${u}:Bundle`).sort(),
      'everything else C deploys was remapped',
    );
    assert.equal(client.cache.size, clientA.cache.size, 'the same updates, under C\'s RevisionIDs');
  });
});
