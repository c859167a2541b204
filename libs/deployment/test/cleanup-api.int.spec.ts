import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Module } from '@nestjs/common';
import { ALL_COMPUTERS_GROUP_ID, METADATA_EVENTS, newEvent, updateApprovalStream, updateStream } from '#contracts';
import { createLogger, loadConfig, type RunningServer, serve, type ServiceRegistration } from '#platform';
import { DeploymentService } from '#deployment';

const TOKEN = 'e'.repeat(48);
const ALL = ALL_COMPUTERS_GROUP_ID;
const U = (n: number): string => `c2000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

@Module({})
class NoModule {}
const catalogEvents: ServiceRegistration = { name: 'metadata-store', module: NoModule, eventDefinitions: [...METADATA_EVENTS], migrations: [] };
interface Reply { status: number; body: any } // eslint-disable-line @typescript-eslint/no-explicit-any

describe('cleanup over HTTP (deployment)', () => {
  let server: RunningServer;
  let dir: string;
  const call = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> => {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers } };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await fetch(server.url + url, init);
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  const logCount = async (): Promise<number> => {
    await server.runtime.store.waitForVisibility();
    return (await server.runtime.store.readAll(undefined, { limit: 10_000 })).events.length;
  };
  const refused = async (status: number, code: string, method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> => {
    const before = await logCount();
    const reply = await call(method, url, body, headers);
    assert.equal(reply.status, status, `${method} ${url}: ${JSON.stringify(reply.body)}`);
    assert.equal(reply.body?.error?.code, code, JSON.stringify(reply.body));
    assert.equal(await logCount(), before, 'a refused request wrote events');
    return reply;
  };
  const ctx = (daysAgo = 0) => ({
    correlationId: crypto.randomUUID(), causationId: null, traceparent: null, actor: 'test', now: () => new Date(Date.now() - daysAgo * 86_400_000), newId: () => crypto.randomUUID(),
  });
  const eventually = async (done: () => Promise<boolean>, what: string): Promise<void> => {
    const deadline = Date.now() + 15_000;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'watershed-cleanup-api-'));
    const config = loadConfig({ WATERSHED_DATA_DIR: dir, WATERSHED_LOG_LEVEL: 'silent', WATERSHED_ADMIN_TOKENS: TOKEN }, { port: '0', host: '127.0.0.1' });
    server = await serve(config, createLogger({ level: 'silent', instanceId: 'test', services: config.services }), [DeploymentService, catalogEvents]);
  });
  after(async () => {
    await server?.stop('test done');
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [method, url, body] of [
    ['POST', '/api/v1/cleanup/runs', { dryRun: true }],
    ['GET', '/api/v1/cleanup/runs', undefined],
    ['GET', `/api/v1/cleanup/runs/${U(9)}`, undefined],
  ] as const) {
    it(`${method} ${url} refuses no token and a wrong token, changing nothing`, async () => {
      await refused(401, 'AUTH.UNAUTHORIZED', method, url, body, { authorization: '' });
      await refused(401, 'AUTH.UNAUTHORIZED', method, url, body, { authorization: `Bearer ${'d'.repeat(48)}` });
    });
  }

  it('bad input is a 400 with its code and nothing is written', async () => {
    await refused(400, 'REQUEST.INVALID', 'POST', '/api/v1/cleanup/runs', { dryRun: 'yes' });
    await refused(400, 'REQUEST.INVALID', 'POST', '/api/v1/cleanup/runs', { dryRun: true, everything: true });
    await refused(400, 'REQUEST.INVALID', 'GET', '/api/v1/cleanup/runs/not-a-run');
    await refused(404, 'CLEANUP.RUN_NOT_FOUND', 'GET', `/api/v1/cleanup/runs/${U(9)}`);
    const current = (await call('GET', '/api/v1/configuration')).body;
    const { version: _v, changedAt: _c, changedBy: _b, ...settings } = current;
    const bad = await refused(400, 'CONFIGURATION.INVALID', 'PUT', '/api/v1/configuration', { ...settings, retention: { schedule: 'hourly' } });
    assert.match(bad.body.error.message, /retention\.schedule/);
    const days = await refused(400, 'CONFIGURATION.INVALID', 'PUT', '/api/v1/configuration', { ...settings, retention: { ...settings.retention, staleComputerDays: 0 } });
    assert.match(days.body.error.message, /retention\.staleComputerDays/);
  });

  it('retention in the configuration: shown with defaults, changed with If-Match, the ETag moves', async () => {
    const current = await call('GET', '/api/v1/configuration');
    assert.deepEqual(current.body.retention, { schedule: 'daily 03:00', supersededUpdateDays: 30, declinedUpdateDays: 30, staleComputerDays: 30, reportEventDays: 90 });
    const { version, changedAt: _c, changedBy: _b, ...settings } = current.body;
    const put = await call('PUT', '/api/v1/configuration', { ...settings, retention: { schedule: 'off', declinedUpdateDays: 14 } }, { 'if-match': `"${version}"` });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual(put.body.retention, { schedule: 'off', supersededUpdateDays: 30, declinedUpdateDays: 14, staleComputerDays: 30, reportEventDays: 90 });
    assert.equal(put.body.version, version + 1);
    await refused(412, 'CONFIGURATION.VERSION_MISMATCH', 'PUT', '/api/v1/configuration', { ...settings, retention: { schedule: 'daily 01:00' } }, { 'if-match': `"${version}"` });
  });

  it('an update declined 20 days ago: a dry run lists it, a run expires it, approving it is then 409 UPDATE.EXPIRED', async () => {
    const store = server.runtime.store;
    await store.append(updateStream(U(1)), [
      newEvent(ctx(), 'UpdateRevisionImported', 1, {
        revisionId: 1, updateId: U(1), revisionNumber: 100, updateType: 'Software', title: 'old', prerequisites: [], categoryIds: [], bundledRevisions: [],
        supersededUpdateIds: [], files: [], eulaId: null, languages: [], coreXml: '<x/>', documentSha256: '0'.repeat(64), source: 'synced',
      }),
    ], 'any');
    // Declined 20 days ago (an event from the past, as replayed from an older log), after the 14-day retention set above.
    await store.append(updateApprovalStream(U(1)), [newEvent(ctx(20), 'UpdateDeclined', 1, { updateId: U(1) })], 'any');
    await eventually(async () => (await call('GET', `/api/v1/updates/${U(1)}/approvals`)).body?.declined === true, 'the decline projected');

    const dry = await call('POST', '/api/v1/cleanup/runs', { dryRun: true });
    assert.equal(dry.status, 201, JSON.stringify(dry.body));
    assert.equal(dry.body.dryRun, true);
    assert.deepEqual(dry.body.expiredUpdateIds, [U(1)]);
    assert.equal(dry.body.counts.expiredDeclinedUpdates, 1);

    const run = await call('POST', '/api/v1/cleanup/runs', {});
    assert.equal(run.status, 201, JSON.stringify(run.body));
    // This server runs the deployment service alone: no reporting service to remove stale computers.
    assert.deepEqual([run.body.trigger, run.body.dryRun, run.body.status, run.body.expiredUpdateIds], ['manual', false, 'completed-with-errors', [U(1)]]);
    assert.equal(run.body.errors[0]?.code, 'BUS.NO_RESPONDER');
    await refused(409, 'UPDATE.EXPIRED', 'POST', `/api/v1/updates/${U(1)}/approvals`, { groupId: ALL, action: 'Install' });
    await refused(409, 'UPDATE.EXPIRED', 'POST', `/api/v1/updates/${U(1)}/undecline`);

    const history = await call('GET', '/api/v1/cleanup/runs');
    assert.equal(history.status, 200);
    assert.deepEqual(history.body.runs.map((r: { id: string; dryRun: boolean }) => [r.id, r.dryRun]), [[run.body.id, false], [dry.body.id, true]]);
    const one = await call('GET', `/api/v1/cleanup/runs/${run.body.id}`);
    assert.deepEqual(one.body, run.body);
  });

  it('the routes are in the OpenAPI document', async () => {
    const doc = (await call('GET', '/api/openapi.json')).body;
    assert.ok(doc.paths['/api/v1/cleanup/runs']?.post && doc.paths['/api/v1/cleanup/runs']?.get, Object.keys(doc.paths).join(' '));
    assert.ok(doc.paths['/api/v1/cleanup/runs/{runId}']?.get);
  });
});
