import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type CausationContext,
  ComputerRegistered,
  computerStream,
  contentFileStream,
  newEvent,
  UNASSIGNED_COMPUTERS_GROUP_ID,
  updateApprovalStream,
} from '#contracts';
import { DeploymentService } from '#deployment';
import { MetadataStoreService } from '#metadata-store';
import { createLogger, loadConfig, type RunningServer, serve, type WatershedConfig } from '#platform';
import { ReportingService } from '#reporting';
import { digests, leafWithFile } from '../../libs/metadata-store/test/metadata-store.fixtures.js';

const TOKEN = 'f'.repeat(48);
const DAY = 86_400_000;
const at = (msAgo: number): CausationContext => ({
  correlationId: randomUUID(), causationId: null, traceparent: null, actor: 'test', now: () => new Date(Date.now() - msAgo), newId: randomUUID,
});
const registration = (computerId: string) => ({
  computerId, dnsName: `${computerId}.lab`, osMajorVersion: 10, osMinorVersion: 0, osBuildNumber: 26100, osServicePackMajorNumber: 0, osLocale: 'en-US',
  computerManufacturer: null, computerModel: null, clientVersion: null, clientIp: null,
});

/** All-in-one (PGlite, in-process bus): a cleanup run reaches the reporting and metadata-store modules in the same process. */
describe('cleanup in one process: deployment, reporting and metadata store on PGlite and the in-process bus', () => {
  let server: RunningServer;
  let config: WatershedConfig;
  let dir: string;
  const call = async (method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const response = await fetch(server.url + url, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  const eventually = async <T>(read: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const computerIds = async (): Promise<string[]> =>
    ((await call('GET', '/api/v1/reports/computers?limit=100')).body.computers as { computerId: string }[]).map((c) => c.computerId).sort();

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'watershed-cleanup-aio-'));
    config = loadConfig(
      { WATERSHED_DATA_DIR: dir, WATERSHED_LOG_LEVEL: 'silent', WATERSHED_ADMIN_TOKENS: TOKEN, DATABASE_URL: '', NATS_URL: '' },
      { port: '0', host: '127.0.0.1' },
    );
    server = await serve(config, createLogger({ level: 'silent', instanceId: 'test', services: config.services }), [DeploymentService, ReportingService, MetadataStoreService]);
  });
  after(async () => {
    await server?.stop('test done');
    rmSync(dir, { recursive: true, force: true });
  });

  it('removes the computer silent past staleComputerDays from reports and groups, keeps the others', async () => {
    const store = server.runtime.store;
    await store.append(computerStream('gone-pc'), [newEvent(at(12 * DAY), ComputerRegistered.type, 1, registration('gone-pc'))], 'any');
    await store.append(computerStream('here-pc'), [newEvent(at(DAY), ComputerRegistered.type, 1, registration('here-pc'))], 'any');
    const group = await call('POST', '/api/v1/groups', { name: 'Ring 0' });
    for (const pc of ['gone-pc', 'here-pc']) assert.equal((await call('PUT', `/api/v1/computers/${pc}/groups`, { groupIds: [group.body.id] })).status, 200);
    await eventually(computerIds, (ids) => ids.length === 2, 'both computers reported');
    const current = (await call('GET', '/api/v1/configuration')).body;
    const { version, changedAt: _c, changedBy: _b, ...settings } = current;
    assert.equal((await call('PUT', '/api/v1/configuration', { ...settings, retention: { staleComputerDays: 10 } })).status, 200, String(version));

    const run = await call('POST', '/api/v1/cleanup/runs', {});
    assert.equal(run.status, 201, JSON.stringify(run.body));
    assert.deepEqual([run.body.status, run.body.counts.removedComputers, run.body.removedComputerIds], ['completed', 1, ['gone-pc']]);
    await eventually(computerIds, (ids) => ids.join() === 'here-pc', 'the stale computer out of the reports');
    const groups = await eventually(async () => (await call('GET', '/api/v1/computers/gone-pc/groups')).body.groupIds as string[], (g) => g[0] === UNASSIGNED_COMPUTERS_GROUP_ID, 'out of its group');
    assert.deepEqual(groups, [UNASSIGNED_COMPUTERS_GROUP_ID]);
    assert.deepEqual((await call('GET', '/api/v1/computers/here-pc/groups')).body.groupIds, [group.body.id]);
    const removed = (await store.readStream(computerStream('gone-pc'))).events.at(-1);
    assert.deepEqual([removed?.type, (removed?.data as { runId: string }).runId], ['ComputerRemoved', run.body.id]);
  });

  it('deletes the file only an expired update names (ContentFileDeleted with the run), keeps a live update\'s; the dry run deletes nothing', async () => {
    const importLeaf = async (bytes: Buffer): Promise<{ updateId: string; file: string; sha1Hex: string }> => {
      const d = digests(bytes);
      const { xml, updateId } = leafWithFile({ sha1: d.sha1, sha256: d.sha256, size: bytes.length });
      const reply = await call('POST', '/api/v1/updates/import', { xml, source: 'imported', files: [{ fileName: 'AM_Delta.exe', contentBase64: bytes.toString('base64') }] });
      assert.equal(reply.status, 201, JSON.stringify(reply.body));
      return { updateId, file: path.join(config.contentDir, d.sha1Hex.slice(-2), `${d.sha1Hex}.exe`), sha1Hex: d.sha1Hex };
    };
    const old = await importLeaf(randomBytes(40_000));
    const live = await importLeaf(randomBytes(50_000));
    assert.ok(existsSync(old.file) && existsSync(live.file));
    // Declined 40 days ago (past declinedUpdateDays): this run expires it, and deletes its file.
    await server.runtime.store.append(updateApprovalStream(old.updateId), [newEvent(at(40 * DAY), 'UpdateDeclined', 1, { updateId: old.updateId })], 'any');
    await eventually(async () => (await call('GET', `/api/v1/updates/${old.updateId}/approvals`)).body?.declined, (d) => d === true, 'the decline projected');

    const dry = await call('POST', '/api/v1/cleanup/runs', { dryRun: true });
    assert.equal(dry.status, 201, JSON.stringify(dry.body));
    const oldPath = `${old.sha1Hex.slice(-2)}/${old.sha1Hex}.exe`;
    // The dry run expires nothing, yet counts the file its expiry would free.
    assert.deepEqual(
      [dry.body.status, dry.body.expiredUpdateIds, dry.body.counts.deletedContentFiles, dry.body.counts.freedContentBytes, dry.body.deletedContentPaths],
      ['completed', [old.updateId], 1, 40_000, [oldPath]],
    );
    assert.ok(existsSync(old.file), 'a dry run deletes nothing');

    const run = await call('POST', '/api/v1/cleanup/runs', {});
    assert.equal(run.status, 201, JSON.stringify(run.body));
    assert.equal(run.body.status, 'completed', JSON.stringify(run.body));
    assert.deepEqual(
      [run.body.counts.expiredDeclinedUpdates, run.body.counts.deletedContentFiles, run.body.counts.freedContentBytes, run.body.deletedContentPaths],
      [1, 1, 40_000, [oldPath]],
    );
    assert.equal(existsSync(old.file), false);
    assert.equal(existsSync(live.file), true);
    const deleted = (await server.runtime.store.readStream(contentFileStream(old.sha1Hex))).events;
    assert.deepEqual(deleted.map((e) => [e.type, (e.data as { runId: string; path: string }).runId, (e.data as { path: string }).path]), [['ContentFileDeleted', run.body.id, oldPath]]);
    const shown = await call('GET', `/api/v1/cleanup/runs/${run.body.id}`);
    assert.deepEqual(shown.body.deletedContentPaths, [oldPath]);
  });

  it('deletes client report events older than reportEventDays, keeping what the reports say (dry run first)', async () => {
    const store = server.runtime.store;
    const U = 'c4000000-0000-4000-8000-000000000001';
    const report = (msAgo: number, eventId: number) => {
      const instance = randomUUID();
      const e = newEvent(at(msAgo), 'ClientEventReported', 1, {
        computerId: 'here-pc', eventInstanceId: instance, eventId, namespaceId: 1, timeAtTarget: new Date(Date.now() - msAgo).toISOString(), sourceId: 101,
        updateId: U, revisionNumber: 100, win32HResult: 0, appName: 'AutomaticUpdates', replacementStrings: [], miscData: [],
      });
      return { ...e, metadata: { ...e.metadata, messageId: instance } };
    };
    await store.append(computerStream('here-pc'), [report(20 * DAY, 184), report(15 * DAY, 183)], 'any');
    await store.append(computerStream('here-pc'), [report(DAY, 182)], 'any');
    const computer = async (): Promise<unknown> => (await call('GET', '/api/v1/reports/computers/here-pc')).body;
    await eventually(computer, (c) => (c as { updates: { status: string }[] }).updates[0]?.status === 'failed', 'the reports projected');
    const before = await computer();
    const current = (await call('GET', '/api/v1/configuration')).body;
    const { version: _v, changedAt: _c, changedBy: _b, ...settings } = current;
    assert.equal((await call('PUT', '/api/v1/configuration', { ...settings, retention: { reportEventDays: 10 } })).status, 200);

    const dry = await call('POST', '/api/v1/cleanup/runs', { dryRun: true });
    assert.equal(dry.status, 201, JSON.stringify(dry.body));
    assert.deepEqual([dry.body.status, dry.body.counts.prunedReportEvents, dry.body.counts.prunedReportComputers], ['completed', 2, 1]);
    assert.equal((await store.readStream(computerStream('here-pc'))).events.filter((e) => e.type === 'ClientEventReported').length, 3);

    const run = await call('POST', '/api/v1/cleanup/runs', {});
    assert.equal(run.status, 201, JSON.stringify(run.body));
    assert.deepEqual([run.body.status, run.body.counts.prunedReportEvents, run.body.counts.prunedReportComputers], ['completed', 2, 1]);
    assert.deepEqual((await store.readStream(computerStream('here-pc'))).events.map((e) => e.type), ['ComputerRegistered', 'ClientEventReported', 'ComputerStatusSnapshotted']);
    const pruned = (await store.readStream('report-retention')).events.at(-1);
    assert.deepEqual([pruned?.type, (pruned?.data as { runId: string; deletedClientEvents: number }).runId, (pruned?.data as { deletedClientEvents: number }).deletedClientEvents], ['ReportEventsPruned', run.body.id, 2]);
    await eventually(
      async () => (await store.db.query<{ p: unknown }>("SELECT reports_pruned_before AS p FROM rpt_computers WHERE computer_id = 'here-pc'")).rows[0]?.p ?? null,
      (p) => p !== null,
      'the snapshot projected',
    );
    assert.deepEqual(await computer(), before);
    assert.equal((await call('GET', `/api/v1/cleanup/runs/${run.body.id}`)).body.counts.prunedReportEvents, 2);
  });
});
