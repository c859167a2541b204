import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import {
  createTestDatabase,
  requireServices,
  startWatershed,
  TEST_NATS_URL,
  type TestDatabase,
  uniqueNatsNamespace,
  type WatershedProcess,
  WindowsUpdateAgentClient,
} from '#test-support';
import { AdminApi, type BuiltCatalog, buildScenarioCatalog, newScenarioIds, setClientCookie } from '../support/scenario/index.js';

const skip = await requireServices('postgres', 'nats');

/**
 * MS-WSUSOD 3.4 across gateway replicas (DESIGN invariant 4: any gateway answers any client): the
 * client's differential scans alternate between two soap-gateway processes while an administrator
 * changes approvals through the backend. One gateway is frozen (SIGSTOP) while the other hands the
 * client a newer anchor; scanned right after it thaws, it must not answer from its older view as if
 * the client's newer revisions had left the scope.
 */
describe('MS-WSUSOD 3.4 across two gateway replicas (split mode)', { skip }, () => {
  let database: TestDatabase;
  const { namespace, streamName } = uniqueNatsNamespace('wsusod-split');
  const processes: WatershedProcess[] = [];
  const token = randomBytes(32).toString('hex');
  const clientId = randomUUID();
  let backend: WatershedProcess;
  let gateway1: WatershedProcess;
  let gateway2: WatershedProcess;
  let api: AdminApi;
  let catalog: BuiltCatalog;

  before(async () => {
    database = await createTestDatabase('wsusod_split');
    const env = {
      WATERSHED_COOKIE_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      WATERSHED_ADMIN_TOKENS: token,
      DATABASE_URL: database.url,
      NATS_URL: TEST_NATS_URL,
      WATERSHED_NATS_NAMESPACE: namespace,
      WATERSHED_NATS_STREAM: streamName,
      WATERSHED_INSTANCE_ID: '',
    };
    backend = await startWatershed(['--port', '0', '--services', 'deployment,reporting,metadata-store,sync-worker'], env);
    processes.push(backend);
    api = new AdminApi(backend.url, token);
    catalog = await buildScenarioCatalog(api, newScenarioIds(), { computerId: clientId });
    // The gateways start after the catalog, so each replays all of it before its first answer
    // (scan calls wait for the replay). Started before, a gateway follows the backend's approvals
    // with some lag; on a loaded machine both could answer the first scans from an older view and
    // then offer the rest of the scope next to the approval the test makes (seen: 8 revisions).
    [gateway1, gateway2] = await Promise.all([
      startWatershed(['--port', '0', '--services', 'soap-gateway'], env),
      startWatershed(['--port', '0', '--services', 'soap-gateway'], env),
    ]);
    processes.push(gateway1, gateway2);
  });
  after(async () => {
    for (const p of processes) {
      p.child.kill('SIGCONT');
      await p.stop('SIGKILL');
    }
    await database?.drop();
    const nc = await connect({ servers: TEST_NATS_URL });
    await (await jetstreamManager(nc)).streams.delete(streamName).catch(() => undefined);
    await nc.close();
  });

  it('a gateway that lagged behind the client\'s anchor does not purge what the client got from the other one', async () => {
    const { ids } = catalog;
    const chain = new Set([ids.chainA, ids.chainB]);
    const evaluator = (u: { updateType: string | undefined; updateId: string | undefined }) =>
      u.updateType === 'Category' || u.updateType === 'Detectoid' || chain.has(u.updateId ?? '') ? ('installed' as const) : ('not-installed' as const);
    const on1 = new WindowsUpdateAgentClient(gateway1.url, { clientId, dnsName: 'pc-split.contoso.test' }, { evaluator });
    await on1.handshake();
    await on1.syncSoftware();
    // The same client's next call lands on the other replica: same cookie, same cache.
    const on2 = new WindowsUpdateAgentClient(gateway2.url, on1.identity, { evaluator });
    const share = (from: WindowsUpdateAgentClient, to: WindowsUpdateAgentClient): void => {
      for (const set of ['installedNonLeaf', 'otherCached'] as const) {
        to[set].clear();
        for (const id of from[set]) to[set].add(id);
      }
      to.cache.clear();
      for (const [id, u] of from.cache) to.cache.set(id, u);
      setClientCookie(to, from.currentCookie);
    };
    share(on1, on2);
    const warm = await on2.syncSoftware();
    assert.deepEqual(warm.flatMap((p) => [...p.newUpdates, ...p.outOfScope]), [], 'both replicas agree before the change');
    share(on2, on1);

    gateway2.child.kill('SIGSTOP');
    try {
      await api.approve(ids.later, catalog.groupId, 'Install');
      let got: number[] = [];
      for (let i = 0; i < 50 && got.length === 0; i += 1) {
        got = (await on1.syncSoftware()).flatMap((p) => p.newUpdates.map((u) => u.revisionId));
        if (got.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(got, [catalog.revisionIds.get(ids.later)], 'gateway 1 offers the new approval');
      share(on1, on2);
    } catch (error) {
      gateway2.child.kill('SIGCONT');
      throw error;
    }
    // The scan reaches the frozen replica first (the kernel queues it); when it thaws, the request is
    // read before the replica's index can fetch the approval from the database.
    const scanning = on2.syncSoftware();
    await new Promise((r) => setTimeout(r, 200));
    gateway2.child.kill('SIGCONT');
    const pages = await scanning;
    assert.deepEqual(pages.flatMap((p) => p.outOfScope), [], 'the thawed replica must not put the client\'s new revision out of scope');
    assert.deepEqual(pages.flatMap((p) => p.newUpdates.map((u) => u.revisionId)), []);
    assert.ok(on2.cache.has(catalog.revisionIds.get(ids.later)!));
  });
});
