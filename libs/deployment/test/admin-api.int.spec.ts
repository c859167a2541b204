import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Module } from '@nestjs/common';
import { ALL_COMPUTERS_GROUP_ID as ALL, CodedError, METADATA_EVENTS, subject, newEvent, UNASSIGNED_COMPUTERS_GROUP_ID as UNASSIGNED, updateStream } from '#contracts';
import { createLogger, loadConfig, type RunningServer, serve, type ServiceRegistration } from '#platform';
import { DeploymentService } from '#deployment';

const TOKEN = 'k'.repeat(48);
const U1 = '30000000-0000-4000-8000-000000000001';
const U2 = '30000000-0000-4000-8000-000000000002';

/** The catalog events come from the metadata store in a real process; here we register them and append directly. */
@Module({})
class NoModule {}
const catalogEvents: ServiceRegistration = { name: 'metadata-store', module: NoModule, eventDefinitions: [...METADATA_EVENTS], migrations: [] };

async function boot(env: Record<string, string>): Promise<{ server: RunningServer; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'watershed-deployment-'));
  const config = loadConfig({ WATERSHED_DATA_DIR: dir, WATERSHED_LOG_LEVEL: 'silent', ...env }, { port: '0', host: '127.0.0.1' });
  const server = await serve(config, createLogger({ level: 'silent', instanceId: 'test', services: config.services }), [DeploymentService, catalogEvents]);
  return { server, dir };
}

async function importRevision(server: RunningServer, updateId: string, revisionNumber: number, supersededUpdateIds: string[] = []): Promise<void> {
  const ctx = { correlationId: crypto.randomUUID(), causationId: null, traceparent: null, actor: 'test', now: () => new Date(), newId: () => crypto.randomUUID() };
  await server.runtime.store.append(updateStream(updateId), [
    newEvent(ctx, 'UpdateRevisionImported', 1, {
      revisionId: revisionNumber * 1000 + Number(updateId.slice(-1)), updateId, revisionNumber, updateType: 'Software', title: `update ${updateId}`,
      prerequisites: [], categoryIds: [], bundledRevisions: [], supersededUpdateIds, files: [], eulaId: null, languages: [],
      coreXml: '<UpdateIdentity/>', documentSha256: '0'.repeat(64), source: 'published',
    }),
  ], 'any');
}

interface Reply { status: number; headers: Headers; body: any } // eslint-disable-line @typescript-eslint/no-explicit-any

describe('admin API over HTTP (deployment)', () => {
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
  /** A refused request must leave the log (and so every projection) exactly as it was. */
  const refused = async (status: number, code: string, method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> => {
    const before = await logCount();
    const reply = await call(method, url, body, headers);
    assert.equal(reply.status, status, `${method} ${url}: ${JSON.stringify(reply.body)}`);
    assert.equal(reply.body?.error?.code, code, JSON.stringify(reply.body));
    assert.equal(typeof reply.body.error.message, 'string');
    assert.equal(await logCount(), before, 'a refused request wrote events');
    return reply;
  };

  before(async () => {
    ({ server, dir } = await boot({ WATERSHED_ADMIN_TOKENS: `${'x'.repeat(40)},${TOKEN}` }));
    await importRevision(server, U1, 1);
    await importRevision(server, U1, 2);
    await importRevision(server, U2, 1, [U1]);
  });
  after(async () => {
    await server?.stop('test done');
    rmSync(dir, { recursive: true, force: true });
  });

  describe('authentication', () => {
    it('refuses no token, a malformed header, a wrong token — also on unknown routes and unparsable bodies', async () => {
      await refused(401, 'AUTH.UNAUTHORIZED', 'GET', '/api/v1/groups', undefined, { authorization: '' });
      await refused(401, 'AUTH.UNAUTHORIZED', 'GET', '/api/v1/groups', undefined, { authorization: `Basic ${TOKEN}` });
      const wrong = await refused(401, 'AUTH.UNAUTHORIZED', 'POST', '/api/v1/groups', { name: 'x' }, { authorization: `Bearer ${'k'.repeat(47)}` });
      assert.match(wrong.headers.get('www-authenticate') ?? '', /^Bearer/);
      await refused(401, 'AUTH.UNAUTHORIZED', 'GET', '/api/v1/no-such-thing', undefined, { authorization: '' });
      await refused(401, 'AUTH.UNAUTHORIZED', 'POST', '/api/v1/groups', '{not json', { authorization: '' });
    });
    it('accepts any configured token', async () => {
      assert.equal((await call('GET', '/api/v1/groups', undefined, { authorization: `Bearer ${'x'.repeat(40)}` })).status, 200);
    });
  });

  describe('groups', () => {
    it('starts with the built-in groups, as a list and as a tree', async () => {
      const list = await call('GET', '/api/v1/groups');
      assert.deepEqual(list.body.groups.map((g: { id: string }) => g.id), [ALL, UNASSIGNED]);
      const tree = await call('GET', '/api/v1/groups/tree');
      assert.equal(tree.body.tree[0].id, ALL);
      assert.equal(tree.body.tree[0].children[0].id, UNASSIGNED);
    });
    it('creates, renames with If-Match, and refuses every invalid request without storing anything', async () => {
      const created = await call('POST', '/api/v1/groups', { name: 'Servers' });
      assert.equal(created.status, 201);
      assert.equal(created.headers.get('etag'), '"1"');
      assert.equal(created.headers.get('location'), `/api/v1/groups/${created.body.id}`);
      const id = created.body.id as string;

      await refused(400, 'REQUEST.INVALID', 'POST', '/api/v1/groups', {});
      await refused(400, 'REQUEST.INVALID', 'POST', '/api/v1/groups', { name: '   ' });
      await refused(400, 'REQUEST.INVALID', 'POST', '/api/v1/groups', { name: 'x'.repeat(257) });
      await refused(400, 'REQUEST.INVALID', 'POST', '/api/v1/groups', { name: 'a\u0007b' });
      await refused(400, 'REQUEST.INVALID', 'POST', '/api/v1/groups', { name: 'ok', parentId: 'not-a-guid' });
      await refused(400, 'REQUEST.INVALID', 'POST', '/api/v1/groups', { name: 'ok', extra: 1 });
      await refused(400, 'REQUEST.INVALID', 'POST', '/api/v1/groups', '{not json');
      await refused(400, 'REQUEST.INVALID', 'GET', '/api/v1/groups/not-a-guid');
      await refused(404, 'GROUP.NOT_FOUND', 'GET', '/api/v1/groups/40000000-0000-4000-8000-000000000000');
      await refused(404, 'GROUP.PARENT_NOT_FOUND', 'POST', '/api/v1/groups', { name: 'ok', parentId: '40000000-0000-4000-8000-000000000000' });
      await refused(409, 'GROUP.PARENT_NOT_ALLOWED', 'POST', '/api/v1/groups', { name: 'ok', parentId: UNASSIGNED });
      await refused(409, 'GROUP.NAME_TAKEN', 'POST', '/api/v1/groups', { name: 'SERVERS' });
      await refused(404, 'ROUTE.NOT_FOUND', 'GET', '/api/v1/no-such-thing');

      const got = await call('GET', `/api/v1/groups/${id.toUpperCase()}`);
      assert.equal(got.headers.get('etag'), '"1"');
      await refused(412, 'GROUP.VERSION_MISMATCH', 'PATCH', `/api/v1/groups/${id}`, { name: 'Prod' }, { 'if-match': '"2"' });
      await refused(412, 'PRECONDITION.FAILED', 'PATCH', `/api/v1/groups/${id}`, { name: 'Prod' }, { 'if-match': 'garbage' });
      await refused(409, 'GROUP.BUILT_IN', 'PATCH', `/api/v1/groups/${ALL}`, { name: 'Everyone' });
      await refused(400, 'REQUEST.INVALID', 'PATCH', `/api/v1/groups/${id}`, { name: 3 });
      await refused(404, 'GROUP.NOT_FOUND', 'PATCH', '/api/v1/groups/40000000-0000-4000-8000-000000000000', { name: 'x' }, { 'if-match': '"1"' });
      const renamed = await call('PATCH', `/api/v1/groups/${id}`, { name: 'Prod servers' }, { 'if-match': '"1"' });
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.name, 'Prod servers');
      assert.equal(renamed.headers.get('etag'), '"2"');
    });
    it('never deletes a group with children or members silently', async () => {
      const parent = (await call('POST', '/api/v1/groups', { name: 'Branch' })).body.id as string;
      const child = (await call('POST', '/api/v1/groups', { name: 'Branch A', parentId: parent })).body.id as string;
      await refused(409, 'GROUP.HAS_CHILDREN', 'DELETE', `/api/v1/groups/${parent}`);
      assert.equal((await call('PUT', '/api/v1/computers/PC-1/groups', { groupIds: [child] })).status, 200);
      await refused(409, 'GROUP.NOT_EMPTY', 'DELETE', `/api/v1/groups/${child}`);
      await refused(400, 'REQUEST.INVALID', 'DELETE', `/api/v1/groups/${child}?moveMembersToUnassigned=yes`);
      await refused(412, 'GROUP.VERSION_MISMATCH', 'DELETE', `/api/v1/groups/${child}?moveMembersToUnassigned=true`, undefined, { 'if-match': '"5"' });
      await refused(409, 'GROUP.BUILT_IN', 'DELETE', `/api/v1/groups/${UNASSIGNED}?moveMembersToUnassigned=true`);
      const deleted = await call('DELETE', `/api/v1/groups/${child}?moveMembersToUnassigned=true`, undefined, { 'if-match': '"1"' });
      assert.equal(deleted.status, 200);
      assert.deepEqual(deleted.body.movedComputerIds, ['pc-1']);
      assert.deepEqual((await call('GET', '/api/v1/computers/pc-1/groups')).body.groupIds, [UNASSIGNED]);
      assert.equal((await call('DELETE', `/api/v1/groups/${parent}`)).status, 200);
      await refused(404, 'GROUP.NOT_FOUND', 'DELETE', `/api/v1/groups/${parent}`);
    });
  });

  describe('membership', () => {
    it('assigns computers and refuses invalid memberships', async () => {
      const id = (await call('POST', '/api/v1/groups', { name: 'Desktops' })).body.id as string;
      const put = await call('PUT', '/api/v1/computers/pc-2/groups', { groupIds: [id] });
      assert.equal(put.status, 200);
      assert.deepEqual(put.body.groupIds, [id]);
      assert.deepEqual(put.body.effectiveGroupIds, [ALL, id].sort());
      await refused(400, 'REQUEST.INVALID', 'PUT', '/api/v1/computers/pc-2/groups', { groupIds: 'x' });
      await refused(400, 'REQUEST.INVALID', 'PUT', '/api/v1/computers/pc-2/groups', {});
      await refused(400, 'REQUEST.INVALID', 'PUT', '/api/v1/computers/bad%20id/groups', { groupIds: [] });
      await refused(400, 'MEMBERSHIP.INVALID', 'PUT', '/api/v1/computers/pc-2/groups', { groupIds: [ALL] });
      await refused(400, 'MEMBERSHIP.INVALID', 'PUT', '/api/v1/computers/pc-2/groups', { groupIds: [UNASSIGNED, id] });
      await refused(404, 'GROUP.NOT_FOUND', 'PUT', '/api/v1/computers/pc-2/groups', { groupIds: ['40000000-0000-4000-8000-000000000000'] });
    });
  });

  describe('approvals and declines', () => {
    it('approves the latest revision, warns on a superseded update, and shows the effective deployment', async () => {
      const group = (await call('POST', '/api/v1/groups', { name: 'Ring 0' })).body.id as string;
      await call('PUT', '/api/v1/computers/pc-3/groups', { groupIds: [group] });
      const deadline = new Date(Date.now() + 86_400_000).toISOString();
      const approved = await call('POST', `/api/v1/updates/${U1}/approvals`, { groupId: group, action: 'Install', deadline });
      assert.equal(approved.status, 201, JSON.stringify(approved.body));
      assert.equal(approved.body.approval.revisionNumber, 2);
      assert.ok(Number.isInteger(approved.body.approval.deploymentId) && approved.body.approval.deploymentId > 0);
      assert.deepEqual(approved.body.warnings.map((w: { code: string }) => w.code), ['UPDATE.SUPERSEDED']);
      const again = await call('POST', `/api/v1/updates/${U1}/approvals`, { groupId: group, action: 'Install', deadline });
      assert.equal(again.status, 200);
      const second = await call('POST', `/api/v1/updates/${U2}/approvals`, { groupId: ALL, action: 'Install', revisionNumber: 1 });
      assert.equal(second.status, 201);
      assert.ok(second.body.approval.deploymentId > approved.body.approval.deploymentId);
      assert.deepEqual(second.body.warnings, []);

      const effective = await call('GET', '/api/v1/computers/pc-3/deployments');
      assert.deepEqual(effective.body.deployments.map((d: { updateId: string; action: string; deadline: string | null }) => [d.updateId, d.action, d.deadline]), [
        [U1, 'Install', deadline],
        [U2, 'Install', null],
      ]);
    });
    it('refuses every invalid approval without storing anything', async () => {
      const base = `/api/v1/updates/${U1}/approvals`;
      await refused(400, 'REQUEST.INVALID', 'POST', base, { action: 'Install' });
      await refused(400, 'REQUEST.INVALID', 'POST', base, { groupId: ALL, action: 'Deploy' });
      await refused(400, 'REQUEST.INVALID', 'POST', base, { groupId: ALL, action: 'Install', deadline: 'tomorrow' });
      await refused(400, 'REQUEST.INVALID', 'POST', base, { groupId: ALL, action: 'Install', revisionNumber: -1 });
      await refused(400, 'REQUEST.INVALID', 'POST', '/api/v1/updates/kb123/approvals', { groupId: ALL, action: 'Install' });
      await refused(400, 'APPROVAL.DEADLINE_INVALID', 'POST', base, { groupId: ALL, action: 'Install', deadline: '2020-01-01T00:00:00Z' });
      await refused(400, 'APPROVAL.ACTION_INVALID', 'POST', base, { groupId: ALL, action: 'Block' });
      await refused(400, 'APPROVAL.DEADLINE_INVALID', 'POST', base, { groupId: ALL, action: 'OptionalInstall', deadline: '2099-01-01T00:00:00Z' });
      await refused(400, 'REQUEST.INVALID', 'POST', base, { groupId: ALL, action: 'Install', deadline: '2099-01-01T00:00:00' });
      await refused(400, 'REQUEST.INVALID', 'DELETE', `${base}?groupId=nope`);
      await refused(400, 'REQUEST.INVALID', 'POST', '/api/v1/updates/nope/decline');
      await refused(400, 'REQUEST.INVALID', 'POST', '/api/v1/updates/nope/undecline');
      await refused(404, 'UPDATE.NOT_FOUND', 'POST', '/api/v1/updates/30000000-0000-4000-8000-000000000009/approvals', { groupId: ALL, action: 'Install' });
      await refused(404, 'UPDATE.REVISION_NOT_FOUND', 'POST', base, { groupId: ALL, action: 'Install', revisionNumber: 7 });
      await refused(404, 'GROUP.NOT_FOUND', 'POST', base, { groupId: '40000000-0000-4000-8000-000000000000', action: 'Install' });
      await refused(404, 'APPROVAL.NOT_FOUND', 'DELETE', `${base}?groupId=${UNASSIGNED}`);
      await refused(400, 'REQUEST.INVALID', 'DELETE', base);
    });
    it('declining removes the approvals and blocks new ones until undeclined', async () => {
      const declined = await call('POST', `/api/v1/updates/${U2}/decline`);
      assert.equal(declined.status, 200);
      assert.deepEqual(declined.body.removedApprovalGroupIds, [ALL]);
      assert.deepEqual((await call('GET', `/api/v1/updates/${U2}/approvals`)).body, { updateId: U2, declined: true, approvals: [] });
      await refused(409, 'UPDATE.DECLINED', 'POST', `/api/v1/updates/${U2}/approvals`, { groupId: ALL, action: 'Install' });
      assert.equal((await call('POST', `/api/v1/updates/${U2}/decline`)).body.changed, false);
      assert.equal((await call('POST', `/api/v1/updates/${U2}/undecline`)).body.changed, true);
      assert.equal((await call('POST', `/api/v1/updates/${U2}/approvals`, { groupId: ALL, action: 'Install' })).status, 201);
      await refused(404, 'UPDATE.NOT_FOUND', 'POST', '/api/v1/updates/30000000-0000-4000-8000-000000000009/decline');
      const removed = await call('DELETE', `/api/v1/updates/${U2}/approvals?groupId=${ALL}`);
      assert.equal(removed.status, 200);
    });
  });

  describe('targeting mode', () => {
    it('switches to client-side, which refuses admin assignment, and validates the mode', async () => {
      assert.deepEqual((await call('GET', '/api/v1/configuration/targeting-mode')).body.mode, 'server-side');
      await refused(400, 'REQUEST.INVALID', 'PUT', '/api/v1/configuration/targeting-mode', { mode: 'both' });
      await refused(400, 'REQUEST.INVALID', 'PUT', '/api/v1/configuration/targeting-mode', {});
      const set = await call('PUT', '/api/v1/configuration/targeting-mode', { mode: 'client-side' });
      assert.equal(set.body.mode, 'client-side');
      await refused(409, 'TARGETING.CLIENT_SIDE_MODE', 'PUT', '/api/v1/computers/pc-9/groups', { groupIds: [] });
    });
  });
  describe('bus API', () => {
    const request = <T = any>(kind: 'cmd' | 'qry', name: string, payload: unknown): Promise<T> => // eslint-disable-line @typescript-eslint/no-explicit-any
      server.runtime.bus.request<T>(subject('deployment', kind, name), payload);
    const busRefused = async (code: string, kind: 'cmd' | 'qry', name: string, payload: unknown): Promise<void> => {
      const before = await logCount();
      await assert.rejects(request(kind, name, payload), (e: unknown) => e instanceof CodedError && e.code === code);
      assert.equal(await logCount(), before);
    };

    it('answers queries and commands with the same shapes as HTTP, refusals as coded errors', async () => {
      assert.equal((await request('qry', 'targeting-mode', {})).mode, 'client-side');
      const groups = await request<{ groups: { id: string; name: string }[] }>('qry', 'groups', {});
      assert.ok(groups.groups.some((g) => g.id === ALL));
      assert.equal((await request('qry', 'group', { groupId: UNASSIGNED })).name, 'Unassigned Computers');
      const created = await request('cmd', 'create-group', { name: 'Finance', actor: 'cli:alice' });
      assert.equal(created.result.name, 'Finance');
      const stored = (await server.runtime.store.readStream(`group-${created.result.id}`)).events[0]!;
      assert.equal(stored.metadata.actor, 'cli:alice');
      await busRefused('REQUEST.INVALID', 'cmd', 'create-group', { name: '' });
      await busRefused('GROUP.NAME_TAKEN', 'cmd', 'create-group', { name: 'finance' });
      await busRefused('GROUP.NOT_FOUND', 'qry', 'group', { groupId: '40000000-0000-4000-8000-000000000000' });
      assert.equal((await request('qry', 'approvals-for-update', { updateId: U1 })).updateId, U1);
      assert.ok(Array.isArray((await request('qry', 'effective-deployments', { computerId: 'pc-3' })).deployments));
    });

    it('resolve-client-targeting maps names to groups, unknown to Unassigned, and records only changes', async () => {
      const finance = (await request<{ groups: { id: string; name: string }[] }>('qry', 'groups', {})).groups.find((g) => g.name === 'Finance')!;
      const first = await request('qry', 'resolve-client-targeting', { computerId: 'CLIENT-1', requestedGroupNames: ['FINANCE', 'Nope'] });
      assert.deepEqual([first.groupIds, first.changed], [[finance.id], true]);
      const membership = (await server.runtime.store.readStream('membership-client-1')).events;
      assert.deepEqual(membership.map((e) => [e.type, (e.data as { by: string }).by, e.metadata.actor]), [['ComputerAssignedToGroups', 'client-side-targeting', 'computer:client-1']]);
      const before = await logCount();
      const again = await request('qry', 'resolve-client-targeting', { computerId: 'client-1', requestedGroupNames: ['finance'] });
      assert.equal(again.changed, false);
      assert.equal(await logCount(), before);
      const unknown = await request('qry', 'resolve-client-targeting', { computerId: 'client-1', requestedGroupNames: ['nothing'] });
      assert.deepEqual(unknown.groupIds, [UNASSIGNED]);
      assert.deepEqual((await request('qry', 'computer-groups', { computerId: 'client-1' })).groupIds, [UNASSIGNED]);
      await busRefused('REQUEST.INVALID', 'qry', 'resolve-client-targeting', { computerId: 'client-1' });
    });
  });
});

describe('admin API with no token configured', () => {
  it('refuses every call and says how to configure a token', async () => {
    const { server, dir } = await boot({});
    try {
      for (const [method, url] of [['GET', '/api/v1/groups'], ['POST', '/api/v1/groups'], ['GET', '/api/v1/configuration/targeting-mode']] as const) {
        const response = await fetch(server.url + url, { method, headers: { authorization: `Bearer ${TOKEN}` } });
        assert.equal(response.status, 401);
        const body = (await response.json()) as { error: { code: string; message: string } };
        assert.equal(body.error.code, 'AUTH.NOT_CONFIGURED');
        assert.match(body.error.message, /WATERSHED_ADMIN_TOKENS/);
      }
    } finally {
      await server.stop('test done');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
