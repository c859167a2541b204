import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { categoryDocumentXml, startWatershed, type WatershedProcess, WindowsUpdateAgentClient } from '#test-support';

const UPDATES_CLASSIFICATION = 'cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83';
/** Lowered for the test so "too large" needs megabytes, not gigabytes. */
const UPLOAD_LIMIT = 24 * 1024 * 1024;

const hex256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/**
 * Streamed uploads against the built all-in-one server: a file larger than the JSON body limit is
 * PUT raw, kept under its SHA-256, published by digest, approved and downloaded by a WUA client by
 * ranges; the refusals (digest mismatch, too large, wrong media type, no token, a client that goes
 * away mid-body) leave nothing behind; a EULA published with an update must be accepted before an
 * Install approval.
 */
describe('content uploads: PUT raw bytes, publish and import by digest', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-e2e-upload-'));
  const contentDir = path.join(dataDir, 'content');
  const token = randomBytes(32).toString('hex');
  let server: WatershedProcess;
  const api = async <T>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${server.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const put = async (sha256: string, bytes: Buffer, headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.url}/api/v1/content/${sha256}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', ...headers },
      body: bytes,
    });
    return { status: response.status, body: (await response.json()) as { sha256?: string; sha1?: string; size?: number; created?: boolean; error?: { code: string; message: string } } };
  };
  /** Nothing half-written anywhere: no temporary file, no upload under the digest. */
  const leftovers = (sha256: string): string[] => {
    const incoming = path.join(contentDir, '.incoming');
    return [...(existsSync(incoming) ? readdirSync(incoming) : []), ...(existsSync(path.join(contentDir, '.uploads', sha256)) ? [sha256] : [])];
  };

  const stale = path.join(contentDir, '.incoming', 'interrupted-by-a-crash.upload');
  before(async () => {
    mkdirSync(path.dirname(stale), { recursive: true });
    writeFileSync(stale, 'half an upload');
    utimesSync(stale, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    server = await startWatershed(['--port', '0'], {
      WATERSHED_DATA_DIR: dataDir,
      WATERSHED_ADMIN_TOKENS: token,
      WATERSHED_UPLOAD_MAX_BYTES: String(UPLOAD_LIMIT),
      DATABASE_URL: '',
      NATS_URL: '',
    });
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('removes temporary files of uploads a crash interrupted, at start', async () => {
    for (let i = 0; i < 100 && existsSync(stale); i += 1) await new Promise((r) => setTimeout(r, 50));
    assert.equal(existsSync(stale), false);
  });

  it('stores a 20 MiB file streamed (beyond the 8 MiB JSON limit), shows it, accepts it again idempotently', async () => {
    const bytes = randomBytes(20 * 1024 * 1024);
    const sha256 = hex256(bytes);
    const first = await put(sha256, bytes);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.deepEqual(first.body, { sha256, sha1: createHash('sha1').update(bytes).digest('base64'), size: bytes.length, created: true });

    const head = await fetch(`${server.url}/api/v1/content/${sha256}`, { method: 'HEAD', headers: { authorization: `Bearer ${token}` } });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(bytes.length));
    assert.equal(head.headers.get('x-content-sha256'), sha256);
    assert.equal(head.headers.get('x-content-sha1'), first.body.sha1);
    const get = await fetch(`${server.url}/api/v1/content/${sha256}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(hex256(Buffer.from(await get.arrayBuffer())), sha256);

    const again = await put(sha256, bytes);
    assert.equal(again.status, 200);
    assert.equal(again.body.created, false);
    assert.deepEqual(leftovers(sha256).filter((f) => f !== sha256), []);

  });

  it('refuses bytes that do not hash to the URL (409), too large (413), another media type (415), no token (401): nothing is kept', async () => {
    const bytes = randomBytes(1024 * 1024);
    const wrong = hex256(Buffer.from('something else'));
    const mismatch = await put(wrong, bytes);
    assert.equal(mismatch.status, 409);
    assert.equal(mismatch.body.error?.code, 'CONTENT.DIGEST_MISMATCH');
    assert.deepEqual(leftovers(wrong), []);

    const big = randomBytes(UPLOAD_LIMIT + 1024);
    const tooLarge = await put(hex256(big), big);
    assert.equal(tooLarge.status, 413);
    assert.equal(tooLarge.body.error?.code, 'CONTENT.TOO_LARGE');
    assert.deepEqual(leftovers(hex256(big)), []);

    const json = await fetch(`${server.url}/api/v1/content/${hex256(bytes)}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ contentBase64: bytes.toString('base64') }),
    });
    assert.equal(json.status, 415);
    assert.equal(((await json.json()) as { error: { code: string } }).error.code, 'CONTENT.UNSUPPORTED_MEDIA_TYPE');

    const anonymous = await fetch(`${server.url}/api/v1/content/${hex256(bytes)}`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    assert.equal(anonymous.status, 401);
    assert.deepEqual(leftovers(hex256(bytes)), []);

    const notHex = await put('not-a-digest', bytes);
    assert.equal(notHex.status, 400);

    // Raw bodies are for the upload route only: anywhere else they are refused, not buffered.
    const elsewhere = await fetch(`${server.url}/api/v1/configuration/targeting-mode`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    assert.equal(elsewhere.status, 415);
    assert.ok(((await elsewhere.json()) as { error?: { code: string } }).error?.code);
  });

  it('a client that goes away mid-upload leaves no partial file', async () => {
    const bytes = randomBytes(8 * 1024 * 1024);
    const sha256 = hex256(bytes);
    const url = new URL(`${server.url}/api/v1/content/${sha256}`);
    const incoming = path.join(contentDir, '.incoming');
    const partialOnDisk = (): boolean => existsSync(incoming) && readdirSync(incoming).some((f) => f.endsWith('.upload') && statSync(path.join(incoming, f)).size > 0);
    let sawPartial = false;
    await new Promise<void>((resolve) => {
      const request = http.request({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) },
      });
      request.on('error', () => resolve());
      request.on('close', () => resolve());
      // Half the body; once the server has it on disk (streamed, not buffered), the connection is cut.
      request.write(bytes.subarray(0, bytes.length / 2), () => {
        void (async () => {
          for (let i = 0; i < 200 && !partialOnDisk(); i += 1) await new Promise((r) => setTimeout(r, 25));
          sawPartial = partialOnDisk();
          request.destroy();
        })();
      });
    });
    assert.ok(sawPartial, 'the server was writing the body to a temporary file before it ended');
    // The server notices the reset and removes its temporary file; poll the directory, not a clock.
    for (let i = 0; i < 100 && leftovers(sha256).length > 0; i += 1) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(leftovers(sha256), []);
    const head = await fetch(`${server.url}/api/v1/content/${sha256}`, { method: 'HEAD', headers: { authorization: `Bearer ${token}` } });
    assert.equal(head.status, 404);
  });

  it('publishes by digest; a WUA client downloads the file by ranges with the hashes published; delete is refused while used', async () => {
    const productId = randomUUID();
    for (const category of [
      { updateId: productId, title: 'Contoso Big Tools', type: 'Product' as const },
      { updateId: UPDATES_CLASSIFICATION, title: 'Updates', type: 'UpdateClassification' as const },
    ]) {
      const imported = await api('POST', '/api/v1/updates/import', { xml: categoryDocumentXml(category), source: 'imported' });
      assert.ok([200, 201].includes(imported.status), JSON.stringify(imported.body));
    }
    const file = randomBytes(12 * 1024 * 1024 + 77);
    const sha256 = hex256(file);
    assert.equal((await put(sha256, file)).status, 201);

    const unknown = await api<{ error: { code: string } }>('POST', '/api/v1/updates/publish', publishBody(productId, hex256(Buffer.from('never uploaded'))));
    assert.equal(unknown.status, 409);
    assert.equal(unknown.body.error.code, 'CONTENT.NOT_UPLOADED');

    const published = await api<{ updateId: string; revisionId: number }>('POST', '/api/v1/updates/publish', publishBody(productId, sha256));
    assert.equal(published.status, 201, JSON.stringify(published.body));
    const group = await api<{ id: string }>('POST', '/api/v1/groups', { name: 'Big' });
    assert.equal((await api('PUT', '/api/v1/configuration/targeting-mode', { mode: 'client-side' })).status, 200);
    const approved = await api('POST', `/api/v1/updates/${published.body.updateId}/approvals`, { groupId: group.body.id, action: 'Install' });
    assert.equal(approved.status, 201, JSON.stringify(approved.body));

    const client = new WindowsUpdateAgentClient(server.url, { clientId: randomUUID(), dnsName: 'pc-big-01.contoso.test', targetGroups: ['Big'] });
    await client.handshake();
    const offered = (await client.syncSoftware()).flatMap((p) => p.newUpdates).find((u) => u.revisionId === published.body.revisionId);
    assert.ok(offered, 'the update published by digest is offered');
    const sha1 = createHash('sha1').update(file).digest('base64');
    const [location] = await client.getFileLocations([sha1]);
    const downloaded = await client.download(location!.url, 1024 * 1024);
    assert.equal(downloaded.sha1, sha1);
    assert.equal(downloaded.sha256, createHash('sha256').update(file).digest('base64'));

    const refused = await api<{ error: { code: string } }>('DELETE', `/api/v1/content/${sha256}`);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'CONTENT.IN_USE');

    // An upload nobody uses can go.
    const spare = randomBytes(4096);
    assert.equal((await put(hex256(spare), spare)).status, 201);
    const deleted = await api<{ deleted: boolean }>('DELETE', `/api/v1/content/${hex256(spare)}`);
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.deleted, true);
    assert.equal((await api('DELETE', `/api/v1/content/${hex256(spare)}`)).status, 404);
  });

  it('imports a document and its file by digest, recorded as a synchronization run', async () => {
    const file = randomBytes(9 * 1024 * 1024);
    const sha1 = createHash('sha1').update(file).digest('base64');
    const sha256b64 = createHash('sha256').update(file).digest('base64');
    const updateId = randomUUID();
    const xml =
      '<upd:Update xmlns:upd="http://schemas.microsoft.com/msus/2002/12/Update">' +
      `<upd:UpdateIdentity UpdateID="${updateId}" RevisionNumber="101" />` +
      '<upd:Properties UpdateType="Software" />' +
      '<upd:LocalizedPropertiesCollection><upd:LocalizedProperties><upd:Language>en</upd:Language><upd:Title>Imported by digest</upd:Title></upd:LocalizedProperties></upd:LocalizedPropertiesCollection>' +
      `<upd:Files><upd:File Digest="${sha1}" DigestAlgorithm="SHA1" FileName="payload.cab" Size="${file.length}" Modified="2024-01-01T00:00:00Z">` +
      `<upd:AdditionalDigest Algorithm="SHA256">${sha256b64}</upd:AdditionalDigest></upd:File></upd:Files>` +
      '</upd:Update>';
    const doc = Buffer.from(xml, 'utf8');
    assert.equal((await put(hex256(doc), doc)).status, 201);
    assert.equal((await put(hex256(file), file)).status, 201);
    const imported = await api<{ updateId: string; created: boolean; storedFiles: string[]; synchronizationId: string }>('POST', '/api/v1/updates/import', {
      documentSha256: hex256(doc),
      source: 'imported',
      files: [{ fileName: 'payload.cab', sha256: hex256(file) }],
    });
    assert.equal(imported.status, 201, JSON.stringify(imported.body));
    assert.equal(imported.body.updateId, updateId);
    assert.equal(imported.body.storedFiles.length, 1);
    assert.ok(imported.body.synchronizationId);
    const stored = path.join(contentDir, ...imported.body.storedFiles[0]!.replace(/^\/Content\//, '').split('/'));
    assert.equal(hex256(await import('node:fs/promises').then((fs) => fs.readFile(stored))), hex256(file));

    const both = await api<{ error: { code: string } }>('POST', '/api/v1/updates/import', { xml, documentSha256: hex256(doc), source: 'imported' });
    assert.equal(both.status, 400);
    const missing = await api<{ error: { code: string } }>('POST', '/api/v1/updates/import', { documentSha256: hex256(Buffer.from('nope')), source: 'imported' });
    assert.equal(missing.status, 409);
    assert.equal(missing.body.error.code, 'CONTENT.NOT_UPLOADED');
  });

  it('publishes an update with license terms: Install approval is refused until they are accepted', async () => {
    const productId = randomUUID();
    await api('POST', '/api/v1/updates/import', { xml: categoryDocumentXml({ updateId: productId, title: 'Contoso Licensed', type: 'Product' }), source: 'imported' });
    const setup = randomBytes(64 * 1024);
    assert.equal((await put(hex256(setup), setup)).status, 201);
    const english = 'Contoso license terms: you may install this on your computers.\n';
    const published = await api<{ updateId: string; revisionId: number }>('POST', '/api/v1/updates/publish', {
      ...publishBody(productId, hex256(setup)),
      eula: {
        files: [
          { language: 'en', fileName: 'eula_en.txt', contentBase64: Buffer.from(english).toString('base64') },
          { language: 'de', fileName: 'eula_de.txt', contentBase64: Buffer.from('Contoso Lizenzbedingungen.\n').toString('base64') },
        ],
      },
    });
    assert.equal(published.status, 201, JSON.stringify(published.body));
    const { updateId } = published.body;

    const eula = await api<{ accepted: boolean; eulas: { eulaId: string; available: { locale: string }[]; files: { text: string | null }[] }[] }>('GET', `/api/v1/updates/${updateId}/eula?locale=en`);
    assert.equal(eula.status, 200, JSON.stringify(eula.body));
    assert.equal(eula.body.accepted, false);
    assert.equal(eula.body.eulas.length, 1);
    assert.deepEqual(eula.body.eulas[0]!.available.map((a) => a.locale).sort(), ['de', 'en']);
    assert.equal(eula.body.eulas[0]!.files[0]?.text, english);

    const group = await api<{ id: string }>('POST', '/api/v1/groups', { name: 'Licensed' });
    const refused = await api<{ error: { code: string } }>('POST', `/api/v1/updates/${updateId}/approvals`, { groupId: group.body.id, action: 'Install' });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'EULA.NOT_ACCEPTED');
    assert.equal((await api('POST', `/api/v1/updates/${updateId}/eula/acceptance`, {})).status, 201);
    const approved = await api('POST', `/api/v1/updates/${updateId}/approvals`, { groupId: group.body.id, action: 'Install' });
    assert.equal(approved.status, 201, JSON.stringify(approved.body));
  });
});

function publishBody(productId: string, sha256: string): Record<string, unknown> {
  return {
    title: `Contoso Big Package ${sha256.slice(0, 8)}`,
    description: 'A package too large for a JSON body.',
    classification: 'Updates',
    productIds: [productId],
    applicability: {
      isInstalled: { type: 'FileVersion', path: 'Contoso\\big.exe', comparison: 'GreaterThanOrEqualTo', version: '3.0.0.0', csidl: 38 },
      isInstallable: { type: 'True' },
    },
    installer: { kind: 'commandLine', program: 'setup.exe', arguments: '/quiet' },
    files: [{ fileName: 'setup.exe', sha256 }],
  };
}
