import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { UploadedContentStore } from './uploaded-content.store.js';

const hex256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** The upload store on a real filesystem: what is kept, and that a refusal keeps nothing. */
describe('uploaded content store', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'watershed-uploads-'));
  const store = new UploadedContentStore(dir);
  const incoming = (): string[] => (existsSync(path.join(dir, '.incoming')) ? readdirSync(path.join(dir, '.incoming')) : []);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps bytes that hash to the expected SHA-256, with their SHA-1 and size, chunk by chunk', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 5);
    const chunks = [bytes.subarray(0, 100), bytes.subarray(100, 2_000_000), bytes.subarray(2_000_000)];
    const file = await store.receive(Readable.from(chunks), hex256(bytes), { maxBytes: bytes.length });
    assert.deepEqual(file, { sha256: hex256(bytes), sha1: createHash('sha1').update(bytes).digest('base64'), size: bytes.length });
    assert.ok(readFileSync(store.pathOf(hex256(bytes))).equals(bytes));
    assert.equal(await store.sizeOf(hex256(bytes)), bytes.length);
    assert.deepEqual(incoming(), []);
  });

  it('refuses a digest mismatch and keeps nothing', async () => {
    const expected = hex256(Buffer.from('x'));
    await assert.rejects(store.receive(Readable.from([randomBytes(1000)]), expected, { maxBytes: 10_000 }), { code: 'CONTENT.DIGEST_MISMATCH' });
    assert.equal(await store.sizeOf(expected), null);
    assert.deepEqual(incoming(), []);
  });

  it('refuses more than maxBytes after reading the rest of a modest body, and keeps nothing', async () => {
    const bytes = randomBytes(50_000);
    const body = Readable.from([bytes.subarray(0, 30_000), bytes.subarray(30_000)]);
    await assert.rejects(store.receive(body, hex256(bytes), { maxBytes: 40_000 }), { code: 'CONTENT.TOO_LARGE' });
    assert.equal(body.readableEnded, true, 'drained, so the client can read the 413');
    assert.equal(await store.sizeOf(hex256(bytes)), null);
    assert.deepEqual(incoming(), []);
  });

  it('aborts a body that stops sending (stall) or breaks, and keeps nothing', async () => {
    const stalled = new PassThrough();
    stalled.write(randomBytes(1000));
    await assert.rejects(store.receive(stalled, hex256(Buffer.from('never')), { maxBytes: 10_000, stallMs: 50 }), { code: 'CONTENT.UPLOAD_ABORTED' });
    assert.deepEqual(incoming(), []);

    const broken = new PassThrough();
    broken.write(randomBytes(1000));
    setImmediate(() => broken.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
    await assert.rejects(store.receive(broken, hex256(Buffer.from('never')), { maxBytes: 10_000 }), { code: 'CONTENT.UPLOAD_ABORTED' });
    assert.deepEqual(incoming(), []);
  });

  it('removes temporary files of interrupted uploads once they are older than the stall timeout, and only those', async () => {
    await mkdir(path.join(dir, '.incoming'), { recursive: true });
    const old = path.join(dir, '.incoming', 'old.upload');
    const live = path.join(dir, '.incoming', 'live.upload');
    const other = path.join(dir, '.incoming', 'staged.part');
    for (const f of [old, live, other]) await writeFile(f, 'x');
    const now = Date.now();
    await utimes(old, new Date(now - 10 * 60_000), new Date(now - 10 * 60_000));
    await utimes(other, new Date(now - 10 * 60_000), new Date(now - 10 * 60_000));
    assert.deepEqual(await store.removeAbandoned(now, 120_000), ['old.upload']);
    assert.deepEqual(incoming().sort(), ['live.upload', 'staged.part']);
    await rm(live);
    await rm(other);
  });

  it('addresses uploads by lower-case hex SHA-256 only', () => {
    assert.throws(() => store.pathOf('../etc/passwd'), RangeError);
    assert.throws(() => store.pathOf('A'.repeat(64)), RangeError);
  });
});
