import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startWatershed, type WatershedProcess } from '#test-support';

interface OpenApi {
  openapi: string;
  components: { securitySchemes: Record<string, unknown> };
  paths: Record<string, Record<string, { summary: string; parameters?: { name: string; in: string }[]; requestBody?: { content: { 'application/json': { schema: { properties?: Record<string, unknown>; required?: string[] } } } }; responses: Record<string, unknown> }>>;
}

describe('GET /api/openapi.json', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-openapi-'));
  let server: WatershedProcess;
  let doc: OpenApi;
  before(async () => {
    server = await startWatershed(['--port', '0'], { WATERSHED_DATA_DIR: dataDir, DATABASE_URL: '', NATS_URL: '' });
    const response = await fetch(`${server.url}/api/openapi.json`);
    assert.equal(response.status, 200);
    doc = (await response.json()) as OpenApi;
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('describes every admin route the server serves, with bearer security and the error format', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.components.securitySchemes.bearer);
    const operations = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();
    for (const expected of [
      'GET /api/v1/groups',
      'POST /api/v1/groups',
      'PATCH /api/v1/groups/{groupId}',
      'DELETE /api/v1/groups/{groupId}',
      'PUT /api/v1/computers/{computerId}/groups',
      'POST /api/v1/updates/{updateId}/approvals',
      'POST /api/v1/updates/{updateId}/decline',
      'PUT /api/v1/configuration/targeting-mode',
      'GET /api/v1/updates/{updateId}/eula',
      'POST /api/v1/updates/{updateId}/eula/acceptance',
      'GET /api/v1/reports/synchronizations',
      'PUT /api/v1/content/{sha256}',
      'GET /api/v1/content/{sha256}',
      'DELETE /api/v1/content/{sha256}',
      'POST /api/v1/updates/publish',
      'POST /api/v1/updates/import',
    ]) {
      assert.ok(operations.includes(expected), `${expected} in ${operations.join(', ')}`);
    }
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops)) {
        assert.ok(op.summary.length > 0);
        for (const status of ['400', '401', '404', '409']) assert.ok(op.responses[status], `${op.summary} documents ${status}`);
      }
    }
  });

  it('carries request schemas from the validators the handlers use', () => {
    const approve = doc.paths['/api/v1/updates/{updateId}/approvals']!.post!;
    const schema = approve.requestBody!.content['application/json'].schema;
    assert.deepEqual(Object.keys(schema.properties ?? {}).sort(), ['acceptEula', 'action', 'deadline', 'groupId', 'revisionNumber']);
    assert.deepEqual([...(schema.required ?? [])].sort(), ['action', 'groupId']);
    const remove = doc.paths['/api/v1/groups/{groupId}']!.delete!;
    assert.deepEqual(remove.parameters?.map((p) => `${p.in}:${p.name}`).sort(), ['header:If-Match', 'path:groupId', 'query:moveMembersToUnassigned']);
    const eula = doc.paths['/api/v1/updates/{updateId}/eula']!.get!;
    assert.deepEqual(eula.parameters?.map((p) => `${p.in}:${p.name}`).sort(), ['path:updateId', 'query:locale', 'query:revisionNumber']);
    const history = doc.paths['/api/v1/reports/synchronizations']!.get!;
    assert.deepEqual(history.parameters?.map((p) => `${p.in}:${p.name}`).sort(), ['query:format', 'query:limit', 'query:result', 'query:source']);
  });

  it('documents the upload as raw bytes (not JSON) with its 413 and 415, and publish/import by digest', () => {
    const upload = doc.paths['/api/v1/content/{sha256}']!.put! as unknown as { requestBody: { content: Record<string, { schema: unknown }> }; responses: Record<string, unknown> };
    assert.deepEqual(upload.requestBody.content, { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } });
    assert.ok(upload.responses['413'] && upload.responses['415']);
    const publish = JSON.stringify(doc.paths['/api/v1/updates/publish']!.post!.requestBody);
    assert.match(publish, /"sha256"/);
    assert.match(publish, /"eula"/);
    const importing = doc.paths['/api/v1/updates/import']!.post!.requestBody!.content['application/json'].schema;
    assert.ok(Object.keys(importing.properties ?? {}).includes('documentSha256'));
  });
});
