import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger, loadConfig, type RunningServer, serve } from '#platform';
import { WindowsUpdateAgentClient } from '#test-support';
import { ContentModule } from './content.module.js';

describe('update content over HTTP (/Content/XX/<SHA1>.<ext>)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-content-'));
  const bytes = randomBytes(3 * 1024 * 1024 + 123);
  const sha1Hex = createHash('sha1').update(bytes).digest('hex').toUpperCase();
  const urlPath = `/Content/${sha1Hex.slice(-2)}/${sha1Hex}.cab`;
  let server: RunningServer;
  let url: string;

  before(async () => {
    const config = loadConfig({ WATERSHED_DATA_DIR: dataDir, WATERSHED_LOG_LEVEL: 'silent' }, { port: '0', host: '127.0.0.1' });
    mkdirSync(path.join(config.contentDir, sha1Hex.slice(-2)), { recursive: true });
    writeFileSync(path.join(config.contentDir, sha1Hex.slice(-2), `${sha1Hex}.cab`), bytes);
    server = await serve(config, createLogger({ level: 'silent', instanceId: 't', services: [] }), [
      { name: 'soap-gateway', module: ContentModule, eventDefinitions: [], migrations: [] },
    ]);
    url = `${server.url}${urlPath}`;
  });
  after(async () => {
    await server?.stop('test');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the whole file with validators, and HEAD without a body', async () => {
    const full = await fetch(url);
    assert.equal(full.status, 200);
    assert.equal(full.headers.get('accept-ranges'), 'bytes');
    assert.equal(full.headers.get('etag'), `"${sha1Hex}"`);
    assert.ok(full.headers.get('last-modified'));
    assert.equal(Number(full.headers.get('content-length')), bytes.length);
    assert.ok(Buffer.from(await full.arrayBuffer()).equals(bytes));
    const head = await fetch(url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(Number(head.headers.get('content-length')), bytes.length);
    assert.equal((await head.arrayBuffer()).byteLength, 0);
  });

  it('serves single, open and suffix ranges with 206 and Content-Range', async () => {
    for (const [header, start, end] of [['bytes=0-1048575', 0, 1048575], ['bytes=3145700-', 3145700, bytes.length - 1], ['bytes=-10', bytes.length - 10, bytes.length - 1]] as const) {
      const response = await fetch(url, { headers: { Range: header } });
      assert.equal(response.status, 206, header);
      assert.equal(response.headers.get('content-range'), `bytes ${start}-${end}/${bytes.length}`);
      assert.ok(Buffer.from(await response.arrayBuffer()).equals(bytes.subarray(start, end + 1)), header);
    }
  });

  it('serves several ranges as multipart/byteranges', async () => {
    const response = await fetch(url, { headers: { Range: 'bytes=0-9,100-199,-5' } });
    assert.equal(response.status, 206);
    const type = response.headers.get('content-type') ?? '';
    const boundary = /boundary=(\S+)/.exec(type)?.[1];
    assert.ok(type.startsWith('multipart/byteranges') && boundary);
    const body = Buffer.from(await response.arrayBuffer());
    assert.equal(body.length, Number(response.headers.get('content-length')));
    const parts = body.toString('latin1').split(`--${boundary}`).slice(1, -1);
    const expected = [[0, 9], [100, 199], [bytes.length - 5, bytes.length - 1]] as const;
    assert.equal(parts.length, 3);
    parts.forEach((part, i) => {
      const [start, end] = expected[i]!;
      assert.match(part, new RegExp(`Content-Range: bytes ${start}-${end}/${bytes.length}`));
      const data = Buffer.from(part.slice(part.indexOf('\r\n\r\n') + 4, -2), 'latin1');
      assert.ok(data.equals(bytes.subarray(start, end + 1)), `part ${i}`);
    });
  });

  it('answers 416 for a range past the end, and the whole file when If-Range does not match', async () => {
    const beyond = await fetch(url, { headers: { Range: `bytes=${bytes.length}-` } });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get('content-range'), `bytes */${bytes.length}`);
    const stale = await fetch(url, { headers: { Range: 'bytes=0-9', 'If-Range': '"0000"' } });
    assert.equal(stale.status, 200);
    assert.equal((await stale.arrayBuffer()).byteLength, bytes.length);
    const fresh = await fetch(url, { headers: { 'If-None-Match': `"${sha1Hex}"` } });
    assert.equal(fresh.status, 304);
  });

  it('matches paths case-insensitively, as IIS does, and refuses anything else', async () => {
    const lower = await fetch(`${server.url}/content/${sha1Hex.slice(-2).toLowerCase()}/${sha1Hex.toLowerCase()}.CAB`, { headers: { Range: 'bytes=0-3' } });
    assert.equal(lower.status, 206);
    for (const bad of [`/Content/00/${sha1Hex}.cab`, `/Content/${sha1Hex.slice(-2)}/..%2F..%2Fetc%2Fpasswd`, `/Content/${sha1Hex.slice(-2)}/${'0'.repeat(40)}.cab`]) {
      assert.equal((await fetch(`${server.url}${bad}`)).status, 404, bad);
    }
  });

  it('keeps serving after clients hang up in the middle of a download', async () => {
    for (let i = 0; i < 4; i += 1) {
      const abort = new AbortController();
      const response = await fetch(url, { signal: abort.signal });
      const reader = response.body!.getReader();
      await reader.read();
      abort.abort();
      await reader.read().catch(() => undefined);
    }
    const response = await fetch(url, { headers: { Range: 'bytes=1000-2099999' } });
    assert.equal(response.status, 206);
    assert.ok(Buffer.from(await response.arrayBuffer()).equals(bytes.subarray(1000, 2100000)));
  });

  it('serves many concurrent shuffled 1 MiB ranges on keep-alive connections, and the file hashes right', async () => {
    const client = new WindowsUpdateAgentClient(server.url, { clientId: 'x', dnsName: 'x' });
    const downloads = await Promise.all(Array.from({ length: 8 }, () => client.download(url, 1024 * 1024)));
    const sha256 = createHash('sha256').update(bytes).digest('base64');
    for (const d of downloads) {
      assert.equal(d.sha1, Buffer.from(sha1Hex, 'hex').toString('base64'));
      assert.equal(d.sha256, sha256);
    }
  });
});
