import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AdminApi, type AdminReply } from '../support/scenario/index.js';
import { softwareDocument, startWatershed, type WatershedProcess } from '#test-support';


/** Files under a directory, recursively (the content store after a refusal must hold none). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/**
 * POST /api/v1/updates/import-batch against the built server: many documents in one request, all or
 * nothing. A refused batch (bad document, conflicting revision, wrong file bytes, invalid body) leaves
 * the catalog and the content store as they were; the error names the document by index.
 */
describe('import batch (built server, admin API)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-e2e-import-batch-'));
  const contentDir = path.join(dataDir, 'content');
  const token = randomBytes(32).toString('hex');
  let server: WatershedProcess;

  const call = <T = any>(method: string, url: string, body?: unknown, auth = true): Promise<AdminReply<T>> => // eslint-disable-line @typescript-eslint/no-explicit-any
    new AdminApi(server.url, token).call<T>(method, url, body, { auth });
  const doc = (updateId: string, extra: Partial<Parameters<typeof softwareDocument>[0]> = {}): { xml: string; source: 'imported'; files: { fileName: string; contentBase64: string }[] } => {
    const d = softwareDocument({ updateId, localizations: [{ language: 'en', title: `Batch ${updateId.slice(0, 8)}` }], categoryIds: [], ...extra });
    return { xml: d.xml, source: 'imported', files: d.files };
  };
  const history = async (): Promise<{ total: number; synchronizations: { result: string; newUpdates: number; revisedUpdates: number; unchangedUpdates: number; errorCount: number; errors: { updateId: string | null; code: string }[] }[] }> =>
    (await call('GET', '/api/v1/reports/synchronizations')).body;
  /**
   * Was this document's update absent from the catalog? Imported alone now, it is `new` only if no
   * revision of it was stored before (the probe itself then stays: call it last for an update).
   */
  const wasAbsent = async (document: ReturnType<typeof doc>): Promise<boolean> => {
    const reply = await call('POST', '/api/v1/updates/import', document);
    assert.ok(reply.status === 200 || reply.status === 201, reply.text);
    return reply.body.change === 'new';
  };

  before(async () => {
    server = await startWatershed(['--port', '0'], { WATERSHED_DATA_DIR: dataDir, WATERSHED_CONTENT_DIR: contentDir, WATERSHED_ADMIN_TOKENS: token, DATABASE_URL: '', NATS_URL: '' });
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses callers without a valid admin token (401) and stores nothing', async () => {
    const document = doc(randomUUID());
    const anonymous = await call('POST', '/api/v1/updates/import-batch', { documents: [document] }, false);
    assert.equal(anonymous.status, 401, anonymous.text);
    const wrong = await fetch(`${server.url}/api/v1/updates/import-batch`, { method: 'POST', headers: { authorization: `Bearer ${'0'.repeat(64)}`, 'content-type': 'application/json' }, body: JSON.stringify({ documents: [document] }) });
    assert.equal(wrong.status, 401);
    assert.equal(await wasAbsent(document), true);
  });

  it('refuses an invalid body with 400 REQUEST.INVALID: no documents, too many, a bad field', async () => {
    const runsBefore = (await history()).total;
    for (const body of [{}, { documents: [] }, { documents: [{ xml: '', source: 'imported' }] }, { documents: [{ ...doc(randomUUID()), source: 'elsewhere' }] }]) {
      const reply = await call('POST', '/api/v1/updates/import-batch', body);
      assert.equal(reply.status, 400, reply.text);
      assert.equal(reply.body.error.code, 'REQUEST.INVALID', reply.text);
    }
    const tooMany = await call('POST', '/api/v1/updates/import-batch', { documents: Array.from({ length: 1001 }, () => ({ xml: '<x/>', source: 'imported' })) });
    assert.equal(tooMany.status, 400, tooMany.text);
    assert.equal((await history()).total, runsBefore, 'a body refused by validation records no synchronization run');
  });

  it('imports many documents in order in one request: one result each, one synchronization run', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const withFile = doc(ids[0]!, { files: [{ fileName: 'tool.exe', bytes: randomBytes(2048) }] });
    const reply = await call('POST', '/api/v1/updates/import-batch', {
      documents: [withFile, doc(ids[1]!), doc(ids[2]!), doc(ids[1]!, { revisionNumber: 201, localizations: [{ language: 'en', title: 'Batch v2' }] }), doc(ids[2]!)],
    });
    assert.equal(reply.status, 200, reply.text);
    const results = reply.body.results as { updateId: string; revisionNumber: number; revisionId: number; created: boolean; change: string; storedFiles: string[] }[];
    assert.deepEqual(results.map((r) => [r.updateId, r.change]), [[ids[0], 'new'], [ids[1], 'new'], [ids[2], 'new'], [ids[1], 'revised'], [ids[2], 'unchanged']]);
    assert.equal(results[4]!.revisionId, results[2]!.revisionId, 'the same revision twice in one batch is one revision');
    assert.equal(results[0]!.storedFiles.length, 1);
    const content = await fetch(`${server.url}${results[0]!.storedFiles[0]}`);
    assert.equal(content.status, 200);
    assert.equal(Buffer.from(await content.arrayBuffer()).toString('base64'), withFile.files[0]!.contentBase64);
    const runs = (await history()).synchronizations;
    assert.deepEqual([runs[0]!.result, runs[0]!.newUpdates, runs[0]!.revisedUpdates, runs[0]!.unchangedUpdates], ['succeeded', 3, 1, 1]);

    // Imported in a batch or alone, it is the same catalog: the single route sees the revision.
    const again = await call('POST', '/api/v1/updates/import', doc(ids[1]!));
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.change, 'unchanged');
  });

  it('refuses the whole batch when one document is invalid: error names it, nothing stored, files discarded', async () => {
    const good = doc(randomUUID(), { files: [{ fileName: 'setup.exe', bytes: randomBytes(4096) }] });
    const broken = randomUUID();
    const filesBefore = filesUnder(contentDir).length;
    const reply = await call('POST', '/api/v1/updates/import-batch', {
      documents: [
        good,
        { xml: `<upd:Update xmlns:upd="http://schemas.microsoft.com/msus/2002/12/Update"><upd:UpdateIdentity UpdateID="${broken}" RevisionNumber="100" /></upd:Update>`, source: 'imported' },
      ],
    });
    assert.equal(reply.status, 409, reply.text);
    assert.equal(reply.body.error.code, 'UPDATE.INVALID_DOCUMENT');
    assert.equal(reply.body.error.details.index, 1);
    assert.match(reply.body.error.message, /^document 2 of 2: /);
    assert.equal(filesUnder(contentDir).length, filesBefore, 'no file of a refused batch is kept, not even a staged one');
    const runs = (await history()).synchronizations;
    assert.deepEqual([runs[0]!.result, runs[0]!.newUpdates, runs[0]!.errorCount, runs[0]!.errors[0]!.updateId], ['completed-with-errors', 0, 1, broken]);
    assert.equal(await wasAbsent(good), true, 'the valid document of a refused batch was not imported');
  });

  it('refuses the whole batch on a revision conflict found inside the transaction (409), rolling back the documents before it', async () => {
    const held = randomUUID();
    assert.equal((await call('POST', '/api/v1/updates/import-batch', { documents: [doc(held)] })).status, 200);
    const fresh = doc(randomUUID());
    const reply = await call('POST', '/api/v1/updates/import-batch', {
      documents: [fresh, doc(held, { localizations: [{ language: 'en', title: 'A different document, same revision' }] })],
    });
    assert.equal(reply.status, 409, reply.text);
    assert.equal(reply.body.error.code, 'UPDATE.REVISION_CONFLICT');
    assert.equal(reply.body.error.details.index, 1);
    assert.equal(await wasAbsent(fresh), true, 'the document appended earlier in the same transaction was rolled back');
  });

  it('refuses the whole batch when a file does not match its digest (CONTENT.*), naming the document', async () => {
    const updateId = randomUUID();
    const d = doc(updateId, { files: [{ fileName: 'patch.msu', bytes: randomBytes(1024) }] });
    const tampered = { ...d, files: [{ fileName: 'patch.msu', contentBase64: randomBytes(1024).toString('base64') }] };
    const reply = await call('POST', '/api/v1/updates/import-batch', { documents: [doc(randomUUID()), tampered] });
    assert.ok(reply.status >= 400 && reply.status < 500, reply.text);
    assert.match(reply.body.error.code, /^CONTENT\./);
    assert.equal(reply.body.error.details.index, 1);
    assert.equal(await wasAbsent(d), true);
  });

  it('shows up in the OpenAPI document', async () => {
    const spec = (await call('GET', '/api/openapi.json', undefined, false)).body;
    const operation = spec.paths['/api/v1/updates/import-batch']?.post;
    assert.ok(operation, 'import-batch is served and documented');
    assert.ok(JSON.stringify(operation).includes('documents'), 'its body schema is documented');
  });
});
