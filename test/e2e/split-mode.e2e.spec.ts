import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { createTestDatabase, requireServices, startWatershed, TEST_NATS_URL, type TestDatabase, uniqueNatsNamespace, type WatershedProcess } from '#test-support';

const skip = await requireServices('postgres', 'nats');

interface StatusReport {
  services: { service: string; reachable: boolean; pid?: number; error?: string }[];
}

describe('split mode: services in separate processes over real NATS and PostgreSQL', { skip }, () => {
  let database: TestDatabase;
  const { namespace, streamName } = uniqueNatsNamespace('split');
  const started: WatershedProcess[] = [];
  let env: NodeJS.ProcessEnv;

  before(async () => {
    database = await createTestDatabase('split');
    env = { WATERSHED_COOKIE_KEYS: `k1:${randomBytes(32).toString('base64')}`, DATABASE_URL: database.url, NATS_URL: TEST_NATS_URL, WATERSHED_NATS_NAMESPACE: namespace, WATERSHED_NATS_STREAM: streamName, WATERSHED_INSTANCE_ID: '' };
  });
  after(async () => {
    for (const p of started) await p.stop('SIGKILL');
    await database?.drop();
    const nc = await connect({ servers: TEST_NATS_URL });
    await (await jetstreamManager(nc)).streams.delete(streamName).catch(() => undefined);
    await nc.close();
  });

  it('a gateway process reaches the services of another process over the bus, and notices when they go', async () => {
    const backend = await startWatershed(['--port', '0', '--services', 'deployment,reporting,metadata-store,sync-worker'], env);
    started.push(backend);
    const gateway = await startWatershed(['--port', '0', '--services', 'soap-gateway'], env);
    started.push(gateway);

    assert.equal((await fetch(`${gateway.url}/readyz`)).status, 200);
    const status = (await (await fetch(`${gateway.url}/status`)).json()) as StatusReport;
    const where = Object.fromEntries(status.services.map((s) => [s.service, s.reachable ? s.pid : s.error]));
    assert.deepEqual(where, {
      'soap-gateway': gateway.pid,
      'metadata-store': backend.pid,
      deployment: backend.pid,
      reporting: backend.pid,
      'sync-worker': backend.pid,
    });

    assert.equal(await backend.stop('SIGTERM'), 0);
    const after = (await (await fetch(`${gateway.url}/status`)).json()) as StatusReport;
    const deployment = after.services.find((s) => s.service === 'deployment');
    assert.equal(deployment?.reachable, false);
    assert.match(deployment?.error ?? '', /^BUS\.(NO_RESPONDER|TIMEOUT)/);
    assert.equal(await gateway.stop('SIGTERM'), 0);
  });

  it('two replicas of one service share its queue group and its load', async () => {
    const a = await startWatershed(['--port', '0', '--services', 'reporting'], env);
    const b = await startWatershed(['--port', '0', '--services', 'reporting'], env);
    started.push(a, b);
    const pids = new Set<number>();
    for (let i = 0; i < 30; i += 1) {
      const report = (await (await fetch(`${a.url}/status`)).json()) as StatusReport;
      const reporting = report.services.find((s) => s.service === 'reporting');
      assert.equal(reporting?.reachable, true);
      pids.add(reporting!.pid!);
    }
    assert.deepEqual([...pids].sort(), [a.pid, b.pid].sort(), 'both replicas took a share');
  });
});
