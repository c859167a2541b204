import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import {
  type CausationContext,
  ComputerRegistered,
  computerStream,
  contentFileStream,
  DEPLOYMENT_EVENTS,
  EventSchemaRegistry,
  METADATA_EVENTS,
  newEvent,
  REPORTING_EVENTS,
  UNASSIGNED_COMPUTERS_GROUP_ID,
  updateApprovalStream,
} from '#contracts';
import { EventStore, PgDatabase } from '#event-store';
import { digests, leafWithFile } from '../../libs/metadata-store/test/metadata-store.fixtures.js';
import { createTestDatabase, requireServices, startWatershed, TEST_NATS_URL, type TestDatabase, uniqueNatsNamespace, type WatershedProcess } from '#test-support';
import { AdminApi, type AdminReply } from '../support/scenario/index.js';

const skip = await requireServices('postgres', 'nats');
const DAY = 86_400_000;
const UPDATE = 'c3000000-0000-4000-8000-000000000001';
const TOKEN = randomBytes(32).toString('hex');

/** Events dated in the past, as an older log holds them: cleanup measures ages by the events' times. */
const at = (msAgo: number): CausationContext => ({
  correlationId: randomUUID(), causationId: null, traceparent: null, actor: 'test', now: () => new Date(Date.now() - msAgo), newId: randomUUID,
});
const registration = (computerId: string) => ({
  computerId, dnsName: `${computerId}.lab`, osMajorVersion: 10, osMinorVersion: 0, osBuildNumber: 26100, osServicePackMajorNumber: 0, osLocale: 'en-US',
  computerManufacturer: null, computerModel: null, clientVersion: null, clientIp: null,
});

/**
 * Cleanup across services in split mode: the deployment process runs it (updates), the reporting
 * process removes stale computers and prunes old report events when asked over NATS, and the
 * deployment projection drops their group membership from the ComputerRemoved it reads in the shared
 * log; the metadata-store process deletes the files of the updates the run expired. Two deployment
 * replicas never run one cleanup twice at once.
 */
describe('cleanup in split mode: deployment, reporting and metadata store in separate processes over NATS and PostgreSQL', { skip }, () => {
  let database: TestDatabase;
  const { namespace, streamName } = uniqueNatsNamespace('cleanup');
  const started: WatershedProcess[] = [];
  let store: EventStore;
  let deployment: WatershedProcess;
  let replica: WatershedProcess;
  let reporting: WatershedProcess;
  let metadata: WatershedProcess;
  const contentDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-cleanup-split-'));

  const call = (base: string, method: string, url: string, body?: unknown): Promise<AdminReply<any>> => new AdminApi(base, TOKEN).call(method, url, body); // eslint-disable-line @typescript-eslint/no-explicit-any
  const eventually = async <T>(read: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const computerIds = async (): Promise<string[]> =>
    ((await call(reporting.url, 'GET', '/api/v1/reports/computers?limit=100')).body.computers as { computerId: string }[]).map((c) => c.computerId).sort();

  before(async () => {
    database = await createTestDatabase('cleanup-split');
    const env = {
      DATABASE_URL: database.url, NATS_URL: TEST_NATS_URL, WATERSHED_NATS_NAMESPACE: namespace, WATERSHED_NATS_STREAM: streamName, WATERSHED_INSTANCE_ID: '',
      WATERSHED_ADMIN_TOKENS: TOKEN, WATERSHED_CONTENT_DIR: contentDir,
    };
    deployment = await startWatershed(['--port', '0', '--services', 'deployment'], env);
    started.push(deployment);
    replica = await startWatershed(['--port', '0', '--services', 'deployment'], env);
    started.push(replica);
    reporting = await startWatershed(['--port', '0', '--services', 'reporting'], env);
    started.push(reporting);
    metadata = await startWatershed(['--port', '0', '--services', 'metadata-store'], env);
    started.push(metadata);
    store = await EventStore.open(new PgDatabase({ connectionString: database.url }), {
      registry: new EventSchemaRegistry([...REPORTING_EVENTS, ...DEPLOYMENT_EVENTS, ...METADATA_EVENTS]),
      migrations: [],
    });
  });
  after(async () => {
    await store?.close();
    for (const p of started) await p.stop('SIGKILL');
    await database?.drop();
    const nc = await connect({ servers: TEST_NATS_URL });
    await (await jetstreamManager(nc)).streams.delete(streamName).catch(() => undefined);
    await nc.close();
    rmSync(contentDir, { recursive: true, force: true });
  });

  it('one run expires an old declined update (deployment), removes a computer silent for 40 days (reporting) and deletes the update\'s file (metadata store)', async () => {
    const bytes = randomBytes(64_000);
    const d = digests(bytes);
    const { xml } = leafWithFile({ sha1: d.sha1, sha256: d.sha256, size: bytes.length }, { updateId: UPDATE });
    const imported = await call(metadata.url, 'POST', '/api/v1/updates/import', { xml, source: 'imported', files: [{ fileName: 'AM_Delta.exe', contentBase64: bytes.toString('base64') }] });
    assert.equal(imported.status, 201, JSON.stringify(imported.body));
    const relative = `${d.sha1Hex.slice(-2)}/${d.sha1Hex}.exe`;
    const file = path.join(contentDir, ...relative.split('/'));
    assert.ok(existsSync(file));
    await store.append(updateApprovalStream(UPDATE), [newEvent(at(40 * DAY), 'UpdateDeclined', 1, { updateId: UPDATE })], 'any');
    await store.append(computerStream('stale-pc'), [newEvent(at(40 * DAY), ComputerRegistered.type, 1, registration('stale-pc'))], 'any');
    await store.append(computerStream('fresh-pc'), [newEvent(at(0), ComputerRegistered.type, 1, registration('fresh-pc'))], 'any');
    const group = await call(deployment.url, 'POST', '/api/v1/groups', { name: 'Lab' });
    assert.equal(group.status, 201, JSON.stringify(group.body));
    const groupId = group.body.id as string;
    for (const pc of ['stale-pc', 'fresh-pc']) assert.equal((await call(deployment.url, 'PUT', `/api/v1/computers/${pc}/groups`, { groupIds: [groupId] })).status, 200);
    await eventually(computerIds, (ids) => ids.length === 2, 'both computers in the reports');
    // A report from fresh-pc older than reportEventDays (90): pruned by the reporting process, its status kept.
    const instance = randomUUID();
    const old = newEvent(at(100 * DAY), 'ClientEventReported', 1, {
      computerId: 'fresh-pc', eventInstanceId: instance, eventId: 183, namespaceId: 1, timeAtTarget: new Date(Date.now() - 100 * DAY).toISOString(), sourceId: 101,
      updateId: UPDATE, revisionNumber: 100, win32HResult: 0, appName: 'AutomaticUpdates', replacementStrings: [], miscData: [],
    });
    await store.append(computerStream('fresh-pc'), [{ ...old, metadata: { ...old.metadata, messageId: instance } }], 'any');
    const freshReport = async (): Promise<{ updates: { updateId: string; status: string }[] }> => (await call(reporting.url, 'GET', '/api/v1/reports/computers/fresh-pc')).body;
    const freshBefore = await eventually(freshReport, (r) => r.updates.some((u) => u.status === 'installed'), 'the old report projected');
    await eventually(async () => (await call(deployment.url, 'GET', `/api/v1/updates/${UPDATE}/approvals`)).body?.declined, (d) => d === true, 'the decline projected');

    const dry = await call(deployment.url, 'POST', '/api/v1/cleanup/runs', { dryRun: true });
    assert.equal(dry.status, 201, JSON.stringify(dry.body));
    assert.deepEqual([dry.body.status, dry.body.removedComputerIds, dry.body.expiredUpdateIds], ['completed', ['stale-pc'], [UPDATE]], JSON.stringify(dry.body));
    assert.deepEqual([dry.body.counts.deletedContentFiles, dry.body.deletedContentPaths], [1, [relative]]);
    assert.ok(existsSync(file), 'a dry run deletes nothing');
    assert.equal(dry.body.counts.prunedReportEvents, 1);
    assert.deepEqual(await computerIds(), ['fresh-pc', 'stale-pc']);

    const run = await call(deployment.url, 'POST', '/api/v1/cleanup/runs', {});
    assert.equal(run.status, 201, JSON.stringify(run.body));
    assert.equal(run.body.status, 'completed', JSON.stringify(run.body));
    assert.deepEqual(run.body.counts, {
      expiredSupersededUpdates: 0, expiredDeclinedUpdates: 1, removedApprovals: 0, removedComputers: 1, prunedReportEvents: 1, prunedReportComputers: 1,
      deletedContentFiles: 1, deletedUploads: 0, freedContentBytes: bytes.length,
    });
    assert.equal(existsSync(file), false, 'the metadata-store process deleted the file');
    await store.waitForVisibility();
    const deleted = (await store.readStream(contentFileStream(d.sha1Hex))).events.map((e) => [e.type, (e.data as { runId: string }).runId]);
    assert.deepEqual(deleted, [['ContentFileDeleted', run.body.id]]);
    assert.deepEqual((await store.readStream(computerStream('fresh-pc'))).events.map((e) => e.type), ['ComputerRegistered', 'ComputerStatusSnapshotted']);
    assert.deepEqual(await freshReport(), freshBefore);
    assert.deepEqual(run.body.removedComputerIds, ['stale-pc']);

    await eventually(computerIds, (ids) => ids.join() === 'fresh-pc', 'the stale computer gone from the reports');
    const stale = await eventually(
      async () => (await call(deployment.url, 'GET', '/api/v1/computers/stale-pc/groups')).body.groupIds as string[],
      (g) => !g.includes(groupId),
      'the stale computer out of its group',
    );
    assert.deepEqual(stale, [UNASSIGNED_COMPUTERS_GROUP_ID]);
    assert.deepEqual((await call(deployment.url, 'GET', '/api/v1/computers/fresh-pc/groups')).body.groupIds, [groupId]);
    const approve = await call(replica.url, 'POST', `/api/v1/updates/${UPDATE}/approvals`, { groupId, action: 'Install' });
    assert.deepEqual([approve.status, approve.body.error?.code], [409, 'UPDATE.EXPIRED']);
    // The other replica sees the same history.
    const history = await call(replica.url, 'GET', '/api/v1/cleanup/runs');
    assert.deepEqual(history.body.runs.map((r: { id: string }) => r.id), [run.body.id, dry.body.id]);
  });

  it('two deployment replicas asked at once: never two runs at the same time', async () => {
    const replies = await Promise.all([deployment, replica].map((p) => call(p.url, 'POST', '/api/v1/cleanup/runs', {})));
    const ok = replies.filter((r) => r.status === 201).map((r) => r.body as { startedAt: string; finishedAt: string });
    for (const r of replies.filter((x) => x.status !== 201)) assert.deepEqual([r.status, r.body.error?.code], [409, 'CLEANUP.ALREADY_RUNNING']);
    assert.ok(ok.length >= 1);
    if (ok.length === 2) {
      const [a, b] = ok.sort((x, y) => x.startedAt.localeCompare(y.startedAt));
      assert.ok(b!.startedAt >= a!.finishedAt, JSON.stringify(ok));
    }
  });
});
