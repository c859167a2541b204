import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Module } from '@nestjs/common';
import { CodedError, METADATA_EVENTS, newEvent, subject, updateStream } from '#contracts';
import { createLogger, loadConfig, type RunningServer, serve, type ServiceRegistration } from '#platform';
import { DeploymentService } from '#deployment';

const TOKEN = 'c'.repeat(48);
const CLASSIFICATION = 'cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83';
const FAMILY = '60000000-0000-4000-8000-0000000000f0';
const PRODUCT = '60000000-0000-4000-8000-000000000001';
const OTHER_PRODUCT = '60000000-0000-4000-8000-000000000002';
const U = (n: number): string => `70000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

@Module({})
class NoModule {}
const catalogEvents: ServiceRegistration = { name: 'metadata-store', module: NoModule, eventDefinitions: [...METADATA_EVENTS], migrations: [] };

let nextRevisionId = 0;
interface Reply { status: number; headers: Headers; body: any } // eslint-disable-line @typescript-eslint/no-explicit-any

describe('configuration and approval rules over HTTP (deployment)', () => {
  let server: RunningServer;
  let dir: string;
  const call = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> => {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers } };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await fetch(server.url + url, init);
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
  };
  const logCount = async (): Promise<number> => (await server.runtime.store.readAll(undefined, { limit: 10_000 })).events.length;
  /** A refused request leaves the log — and so the configuration and every rule — exactly as it was. */
  const refused = async (status: number, code: string, method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> => {
    const beforeCount = await logCount();
    const beforeConfiguration = (await call('GET', '/api/v1/configuration')).body;
    const beforeRules = (await call('GET', '/api/v1/approval-rules')).body;
    const reply = await call(method, url, body, headers);
    assert.equal(reply.status, status, `${method} ${url}: ${JSON.stringify(reply.body)}`);
    assert.equal(reply.body?.error?.code, code, JSON.stringify(reply.body));
    assert.equal(await logCount(), beforeCount, 'a refused request wrote events');
    assert.deepEqual((await call('GET', '/api/v1/configuration')).body, beforeConfiguration);
    assert.deepEqual((await call('GET', '/api/v1/approval-rules')).body, beforeRules);
    return reply;
  };
  const importRevision = async (
    updateId: string,
    revisionNumber: number,
    opts: { categoryIds?: string[]; updateType?: 'Software' | 'Category'; supersededUpdateIds?: string[]; prerequisites?: string[][] } = {},
  ): Promise<void> => {
    const ctx = { correlationId: crypto.randomUUID(), causationId: null, traceparent: null, actor: 'test', now: () => new Date(), newId: () => crypto.randomUUID() };
    await server.runtime.store.append(updateStream(updateId), [
      newEvent(ctx, 'UpdateRevisionImported', 1, {
        revisionId: (nextRevisionId += 1), updateId, revisionNumber, updateType: opts.updateType ?? 'Software', title: `update ${updateId}`,
        prerequisites: opts.prerequisites ?? (opts.categoryIds ?? []).map((c) => [c]), categoryIds: opts.categoryIds ?? [], bundledRevisions: [],
        supersededUpdateIds: opts.supersededUpdateIds ?? [], files: [], eulaId: null, languages: [], coreXml: '<UpdateIdentity/>', documentSha256: '0'.repeat(64), source: 'synced',
      }),
    ], 'any');
  };
  const approvals = async (updateId: string): Promise<{ groupId: string; changedBy: string; deadline: string | null; revisionNumber: number }[]> =>
    (await call('GET', `/api/v1/updates/${updateId}/approvals`)).body.approvals;
  const eventually = async <T>(read: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'watershed-config-rules-'));
    const config = loadConfig({ WATERSHED_DATA_DIR: dir, WATERSHED_LOG_LEVEL: 'silent', WATERSHED_ADMIN_TOKENS: TOKEN }, { port: '0', host: '127.0.0.1' });
    server = await serve(config, createLogger({ level: 'silent', instanceId: 'test', services: config.services }), [DeploymentService, catalogEvents]);
  });
  after(async () => {
    await server?.stop('test done');
    rmSync(dir, { recursive: true, force: true });
  });

  describe('authentication', () => {
    for (const [method, url, body] of [
      ['GET', '/api/v1/configuration', undefined],
      ['PUT', '/api/v1/configuration', { role: 'root' }],
      ['GET', '/api/v1/approval-rules', undefined],
      ['POST', '/api/v1/approval-rules', { name: 'x', groupIds: [] }],
      ['PATCH', `/api/v1/approval-rules/${U(1)}`, { enabled: false }],
      ['DELETE', `/api/v1/approval-rules/${U(1)}`, undefined],
      ['POST', `/api/v1/approval-rules/${U(1)}/run`, undefined],
    ] as const) {
      it(`${method} ${url} refuses no token and a wrong token, changing nothing`, async () => {
        await refused(401, 'AUTH.UNAUTHORIZED', method, url, body, { authorization: '' });
        await refused(401, 'AUTH.UNAUTHORIZED', method, url, body, { authorization: `Bearer ${'d'.repeat(48)}` });
      });
    }
  });

  const valid = {
    role: 'autonomous-downstream',
    upstreamServerUrl: 'https://upstream.contoso.test:8531',
    syncSchedule: { mode: 'daily', at: '02:15', randomOffsetMinutes: 30 },
    rollup: 'detailed',
    productIds: [PRODUCT],
    classificationIds: [CLASSIFICATION],
    languages: ['en', 'de'],
    contentMode: 'metadata-only',
    contentBaseUrl: 'http://wsus.contoso.test:8530',
  };

  describe('configuration', () => {
    it('starts with the defaults at version 0, then stores a valid configuration (ETag = version)', async () => {
      const initial = await call('GET', '/api/v1/configuration');
      assert.equal(initial.status, 200);
      assert.equal(initial.headers.get('etag'), '"0"');
      assert.equal(initial.body.role, 'root');
      assert.equal(initial.body.targetingMode, 'server-side');
      const put = await call('PUT', '/api/v1/configuration', valid, { 'if-match': '"0"' });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      assert.equal(put.headers.get('etag'), '"1"');
      assert.equal(put.body.changed, true);
      const got = await call('GET', '/api/v1/configuration');
      assert.equal(got.headers.get('etag'), '"1"');
      assert.deepEqual({ ...got.body, changedAt: undefined, version: undefined, changedBy: undefined, targetingMode: undefined }, {
        ...valid, languages: ['de', 'en'], scan: { pageSize: 30, unapprovedPolicy: 'approved-only' },
        retention: { schedule: 'daily 03:00', supersededUpdateDays: 30, declinedUpdateDays: 30, staleComputerDays: 30, reportEventDays: 90 }, changedAt: undefined, version: undefined, changedBy: undefined, targetingMode: undefined,
      });
      assert.match(got.body.changedBy, /\S/);
      assert.equal(got.body.version, 1);
      const same = await call('PUT', '/api/v1/configuration', valid);
      assert.equal(same.body.changed, false);
      assert.equal(same.headers.get('etag'), '"1"');
    });
    it('the targeting mode set with the configuration is the TargetingModeChanged the gateway reads', async () => {
      const put = await call('PUT', '/api/v1/configuration', { ...valid, targetingMode: 'client-side' }, { 'if-match': '"1"' });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      assert.equal(put.headers.get('etag'), '"2"');
      assert.equal((await call('GET', '/api/v1/configuration/targeting-mode')).body.mode, 'client-side');
      const events = (await server.runtime.store.readStream('server-configuration')).events.map((e) => e.type);
      assert.deepEqual(events, ['ServerConfigurationChanged', 'TargetingModeChanged']);
      // The old endpoint moves the same version on.
      assert.equal((await call('PUT', '/api/v1/configuration/targeting-mode', { mode: 'server-side' })).status, 200);
      assert.equal((await call('GET', '/api/v1/configuration')).headers.get('etag'), '"3"');
    });
    it('refuses a stale or malformed If-Match with 412', async () => {
      await refused(412, 'CONFIGURATION.VERSION_MISMATCH', 'PUT', '/api/v1/configuration', { ...valid, rollup: 'summary' }, { 'if-match': '"1"' });
      await refused(412, 'PRECONDITION.FAILED', 'PUT', '/api/v1/configuration', { ...valid, rollup: 'summary' }, { 'if-match': 'yesterday' });
    });
    const invalid: [string, unknown, string][] = [
      ['root with an upstream', { ...valid, role: 'root' }, 'upstreamServerUrl'],
      ['downstream without an upstream', { ...valid, upstreamServerUrl: null }, 'upstreamServerUrl'],
      ['an unknown role', { ...valid, role: 'hub' }, 'role'],
      ['an upstream with a path', { ...valid, upstreamServerUrl: 'https://up.test/x' }, 'upstreamServerUrl'],
      ['a content URL that is not http(s)', { ...valid, contentBaseUrl: 'file:///srv' }, 'contentBaseUrl'],
      ['a sync time of 25:00', { ...valid, syncSchedule: { mode: 'daily', at: '25:00', randomOffsetMinutes: 0 } }, 'syncSchedule.at'],
      ['a random offset of 721 minutes', { ...valid, syncSchedule: { mode: 'daily', at: '01:00', randomOffsetMinutes: 721 } }, 'syncSchedule.randomOffsetMinutes'],
      ['an unknown schedule', { ...valid, syncSchedule: { mode: 'weekly' } }, 'syncSchedule.mode'],
      ['an unknown rollup', { ...valid, rollup: 'full' }, 'rollup'],
      ['a product id that is not a GUID', { ...valid, productIds: ['Windows 11'] }, 'productIds.0'],
      ['a classification id that is not a GUID', { ...valid, classificationIds: ['Security Updates'] }, 'classificationIds.0'],
      ['a language that is not a code', { ...valid, languages: ['English (US)'] }, 'languages.0'],
      ['an unknown content mode', { ...valid, contentMode: 'mirror' }, 'contentMode'],
      ['an unknown targeting mode', { ...valid, targetingMode: 'both' }, 'targetingMode'],
      ['an unknown field', { ...valid, colour: 'blue' }, ''],
      ['a missing field', { ...valid, contentMode: undefined }, 'contentMode'],
      ['an array', [valid], ''],
    ];
    for (const [name, body, at] of invalid) {
      it(`refuses ${name}: 400 CONFIGURATION.INVALID at "${at}", the previous configuration intact`, async () => {
        const reply = await refused(400, 'CONFIGURATION.INVALID', 'PUT', '/api/v1/configuration', body);
        assert.ok(reply.body.error.details.issues.some((i: { path: string }) => i.path === at), JSON.stringify(reply.body.error));
      });
    }
    it('refuses a body that is not JSON', async () => {
      await refused(400, 'REQUEST.INVALID', 'PUT', '/api/v1/configuration', '{"role":');
    });
    it('a replica downstream server has no approval rules of its own (409)', async () => {
      assert.equal((await call('PUT', '/api/v1/configuration', { ...valid, role: 'replica-downstream' })).status, 200);
      await refused(409, 'RULE.REPLICA_SERVER', 'POST', '/api/v1/approval-rules', { name: 'x', groupIds: ['a0a08746-4dbe-4a37-9adf-9e7652c0b421'] });
      assert.equal((await call('PUT', '/api/v1/configuration', valid)).status, 200);
    });
  });

  describe('approval rules', () => {
    let groupId: string;
    let otherGroupId: string;
    let ruleId: string;
    before(async () => {
      groupId = (await call('POST', '/api/v1/groups', { name: 'Rule pilot' })).body.id;
      otherGroupId = (await call('POST', '/api/v1/groups', { name: 'Rule ring 2' })).body.id;
      // The catalog's categories: a product family with one product under it, as a sync brings them.
      await importRevision(FAMILY, 1, { updateType: 'Category' });
      await importRevision(PRODUCT, 1, { updateType: 'Category', categoryIds: [FAMILY] });
      await importRevision(CLASSIFICATION, 1, { updateType: 'Category' });
      // An update already in the catalog before any rule: only a run approves it.
      await importRevision(U(1), 1, { categoryIds: [CLASSIFICATION, PRODUCT] });
    });

    it('creates a rule (201, Location) and lists it', async () => {
      const created = await call('POST', '/api/v1/approval-rules', { name: 'Updates for the family', classificationIds: [CLASSIFICATION], productIds: [FAMILY], groupIds: [groupId, otherGroupId], deadlineOffsetDays: 3 });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      ruleId = created.body.id;
      assert.equal(created.headers.get('location'), `/api/v1/approval-rules/${ruleId}`);
      assert.deepEqual({ ...created.body, createdAt: undefined, changedAt: undefined, changedBy: undefined }, {
        id: ruleId, name: 'Updates for the family', enabled: true, classificationIds: [CLASSIFICATION], productIds: [FAMILY], groupIds: [groupId, otherGroupId].sort(),
        action: 'Install', deadlineOffsetDays: 3, createdAt: undefined, changedAt: undefined, changedBy: undefined,
      });
      assert.deepEqual((await call('GET', '/api/v1/approval-rules')).body.rules.map((r: { id: string }) => r.id), [ruleId]);
      assert.equal((await call('GET', `/api/v1/approval-rules/${ruleId.toUpperCase()}`)).body.id, ruleId);
    });

    it('refuses every invalid rule request and changes nothing', async () => {
      await refused(400, 'RULE.INVALID', 'POST', '/api/v1/approval-rules', { name: 'x', groupIds: [] });
      await refused(400, 'RULE.INVALID', 'POST', '/api/v1/approval-rules', { groupIds: [groupId] });
      await refused(400, 'RULE.INVALID', 'POST', '/api/v1/approval-rules', { name: 'x', groupIds: [groupId], action: 'Uninstall' });
      await refused(400, 'RULE.INVALID', 'POST', '/api/v1/approval-rules', { name: 'x', groupIds: [groupId], deadlineOffsetDays: 0 });
      await refused(400, 'RULE.INVALID', 'POST', '/api/v1/approval-rules', { name: 'x', groupIds: [groupId], classificationIds: ['Security Updates'] });
      await refused(400, 'RULE.INVALID', 'POST', '/api/v1/approval-rules', { name: 'x', groupIds: [groupId], productIds: 'all' });
      await refused(400, 'RULE.INVALID', 'POST', '/api/v1/approval-rules', { name: 'x', groupIds: [groupId], schedule: 'now' });
      await refused(400, 'RULE.INVALID', 'POST', '/api/v1/approval-rules', 'null');
      await refused(400, 'REQUEST.INVALID', 'POST', '/api/v1/approval-rules', '{oops');
      await refused(404, 'GROUP.NOT_FOUND', 'POST', '/api/v1/approval-rules', { name: 'x', groupIds: [U(99)] });
      await refused(409, 'RULE.NAME_TAKEN', 'POST', '/api/v1/approval-rules', { name: 'UPDATES FOR THE FAMILY', groupIds: [groupId] });
      await refused(400, 'REQUEST.INVALID', 'GET', '/api/v1/approval-rules/not-a-guid');
      await refused(404, 'RULE.NOT_FOUND', 'GET', `/api/v1/approval-rules/${U(98)}`);
      await refused(404, 'RULE.NOT_FOUND', 'PATCH', `/api/v1/approval-rules/${U(98)}`, { enabled: false });
      await refused(400, 'RULE.INVALID', 'PATCH', `/api/v1/approval-rules/${ruleId}`, { enabled: 'no' });
      await refused(404, 'GROUP.NOT_FOUND', 'PATCH', `/api/v1/approval-rules/${ruleId}`, { groupIds: [U(97)] });
      await refused(404, 'RULE.NOT_FOUND', 'DELETE', `/api/v1/approval-rules/${U(98)}`);
      await refused(404, 'RULE.NOT_FOUND', 'POST', `/api/v1/approval-rules/${U(98)}/run`);
    });

    it('approves a matching update as it arrives (family covers its product), with the rule as actor and the deadline offset', async () => {
      const started = Date.now();
      await importRevision(U(2), 1, { categoryIds: [CLASSIFICATION, PRODUCT] });
      await importRevision(U(3), 1, { categoryIds: [CLASSIFICATION, OTHER_PRODUCT] });
      const got = await eventually(() => approvals(U(2)), (a) => a.length === 2, 'rule approvals of U2');
      for (const a of got) {
        assert.equal(a.changedBy, `rule:${ruleId}`);
        assert.equal(a.revisionNumber, 1);
        const offset = Date.parse(a.deadline!) - started;
        assert.ok(offset >= 3 * 86_400_000 - 1000 && offset < 3 * 86_400_000 + 60_000, a.deadline!);
      }
      assert.deepEqual(got.map((a) => a.groupId).sort(), [groupId, otherGroupId].sort());
      // Not matching (other product), and not the one from before the rule.
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(await approvals(U(3)), []);
      assert.deepEqual(await approvals(U(1)), []);
    });

    it('approves each revision once: a removed approval is not made again when the same revision is met again', async () => {
      assert.equal((await call('DELETE', `/api/v1/updates/${U(2)}/approvals?groupId=${otherGroupId}`)).status, 200);
      await importRevision(U(2), 1, { categoryIds: [CLASSIFICATION, PRODUCT] });
      await importRevision(U(4), 1, { categoryIds: [CLASSIFICATION, PRODUCT] });
      await eventually(() => approvals(U(4)), (a) => a.length === 2, 'approvals of U4 (the runner moved past the re-import)');
      assert.deepEqual((await approvals(U(2))).map((a) => a.groupId), [groupId]);
      const approvedEvents = (await server.runtime.store.readStream(`approval-${U(2)}`)).events.filter((e) => e.type === 'UpdateApproved');
      assert.equal(approvedEvents.length, 2);
    });

    it('a new revision of an auto-approved update is approved again (latest revision)', async () => {
      await importRevision(U(4), 2, { categoryIds: [CLASSIFICATION, PRODUCT] });
      await eventually(() => approvals(U(4)), (a) => a.every((x) => x.revisionNumber === 2), 'revision 2 approved');
    });

    it('a disabled rule leaves arriving updates alone; enabled again, it applies', async () => {
      const disabled = await call('PATCH', `/api/v1/approval-rules/${ruleId}`, { enabled: false });
      assert.equal(disabled.status, 200);
      assert.equal(disabled.body.enabled, false);
      await importRevision(U(5), 1, { categoryIds: [CLASSIFICATION, PRODUCT] });
      await importRevision(U(6), 1, { categoryIds: [CLASSIFICATION, PRODUCT] });
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(await approvals(U(5)), []);
      assert.equal((await call('PATCH', `/api/v1/approval-rules/${ruleId}`, { enabled: true })).body.enabled, true);
      await importRevision(U(7), 1, { categoryIds: [CLASSIFICATION, PRODUCT] });
      await eventually(() => approvals(U(7)), (a) => a.length === 2, 'approvals of U7');
    });

    it('runs on demand over existing updates: approves what matches, skips declined, warns on superseded, and a second run approves nothing', async () => {
      await importRevision(U(8), 1, { categoryIds: [CLASSIFICATION, PRODUCT], supersededUpdateIds: [U(1)] });
      await eventually(() => approvals(U(8)), (a) => a.length === 2, 'approvals of U8');
      assert.equal((await call('POST', `/api/v1/updates/${U(6)}/decline`, {})).status, 200);
      const run = await call('POST', `/api/v1/approval-rules/${ruleId}/run`);
      assert.equal(run.status, 200, JSON.stringify(run.body));
      const approved = run.body.approved as { updateId: string; groupId: string; warnings: string[] }[];
      // U1 (from before the rule, superseded by U8), U5 (arrived while disabled), U2's removed approval.
      assert.deepEqual(
        approved.map((a) => `${a.updateId}/${a.groupId === groupId ? 'pilot' : 'ring2'}`).sort(),
        [`${U(1)}/pilot`, `${U(1)}/ring2`, `${U(2)}/ring2`, `${U(5)}/pilot`, `${U(5)}/ring2`].sort(),
      );
      assert.ok(approved.filter((a) => a.updateId === U(1)).every((a) => a.warnings.includes('UPDATE.SUPERSEDED')));
      assert.deepEqual(run.body.skipped.map((s: { updateId: string; code: string }) => `${s.updateId}:${s.code}`), [`${U(6)}:UPDATE.DECLINED`, `${U(6)}:UPDATE.DECLINED`]);
      assert.ok((await approvals(U(1))).every((a) => a.changedBy === `rule:${ruleId}`));
      const again = await call('POST', `/api/v1/approval-rules/${ruleId}/run`);
      assert.deepEqual(again.body.approved, []);
      assert.ok(again.body.alreadyApproved >= 10);
    });

    it('changes a rule and deletes it; the approvals it made stay', async () => {
      const changed = await call('PATCH', `/api/v1/approval-rules/${ruleId}`, { name: 'Renamed', deadlineOffsetDays: null });
      assert.equal(changed.status, 200);
      assert.equal(changed.body.name, 'Renamed');
      assert.equal(changed.body.deadlineOffsetDays, null);
      assert.equal(changed.body.changed, true);
      const deleted = await call('DELETE', `/api/v1/approval-rules/${ruleId}`);
      assert.deepEqual(deleted.body, { id: ruleId, deleted: true });
      assert.deepEqual((await call('GET', '/api/v1/approval-rules')).body.rules, []);
      assert.equal((await approvals(U(2))).length, 2);
      await importRevision(U(9), 1, { categoryIds: [CLASSIFICATION, PRODUCT] });
      await new Promise((r) => setTimeout(r, 400));
      assert.deepEqual(await approvals(U(9)), []);
    });
  });

  describe('on the bus', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const request = (kind: 'cmd' | 'qry', name: string, payload: unknown): Promise<any> => server.runtime.bus.request(subject('deployment', kind, name), payload);
    const refusedOnBus = async (kind: 'cmd' | 'qry', name: string, payload: unknown, code: string): Promise<void> => {
      const before = await logCount();
      await assert.rejects(request(kind, name, payload), (e: unknown) => e instanceof CodedError && e.code === code);
      assert.equal(await logCount(), before);
    };
    it('reads and replaces the configuration with the same validation and version check', async () => {
      const current = await request('qry', 'configuration', {});
      const { version, changedAt: _a, changedBy: _b, ...settings } = current;
      await refusedOnBus('cmd', 'configure-server', { settings: { ...settings, rollup: 'sometimes' } }, 'CONFIGURATION.INVALID');
      await refusedOnBus('cmd', 'configure-server', { settings, expectedVersion: version + 5 }, 'CONFIGURATION.VERSION_MISMATCH');
      await refusedOnBus('cmd', 'configure-server', { settings, extra: 1 }, 'REQUEST.INVALID');
      const changed = await request('cmd', 'configure-server', { settings: { ...settings, rollup: 'summary' }, expectedVersion: version, actor: 'cli:bob' });
      assert.equal(changed.changed, true);
      assert.equal(changed.result.rollup, 'summary');
      assert.equal(changed.result.changedBy, 'cli:bob');
    });
    it('creates, changes, runs, lists and deletes rules', async () => {
      const groupId = (await request('cmd', 'create-group', { name: 'Bus ring' })).result.id;
      await refusedOnBus('cmd', 'create-approval-rule', { definition: { name: 'Bus', groupIds: [] } }, 'RULE.INVALID');
      const created = await request('cmd', 'create-approval-rule', { definition: { name: 'Bus', groupIds: [groupId], productIds: [OTHER_PRODUCT] }, actor: 'cli:bob' });
      const ruleId = created.result.id as string;
      assert.equal((await request('qry', 'approval-rule', { ruleId })).name, 'Bus');
      assert.equal((await request('cmd', 'change-approval-rule', { ruleId, changes: { enabled: false } })).result.enabled, false);
      const run = await request('cmd', 'run-approval-rule', { ruleId });
      assert.deepEqual(run.approved.map((a: { updateId: string }) => a.updateId), [U(3)]);
      assert.ok((await request('qry', 'approval-rules', {})).rules.some((r: { id: string }) => r.id === ruleId));
      await request('cmd', 'delete-approval-rule', { ruleId });
      await refusedOnBus('qry', 'approval-rule', { ruleId }, 'RULE.NOT_FOUND');
    });
  });
});
