import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CodedError } from '#contracts';
import { ContentStore } from '../src/content-store/content-store.js';
import { digests, LEAF_FILE } from './metadata-store.fixtures.js';

describe('content store on the real filesystem', () => {
  let dir: string;
  let store: ContentStore;
  const listAll = async (): Promise<string[]> =>
    (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ws-cs-'));
    store = new ContentStore(dir);
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('round-trips bytes from memory to <XX>/<SHA-1 HEX>.<ext>', async () => {
    const bytes = randomBytes(70_001);
    const d = digests(bytes);
    const stored = await store.put({ fileName: 'kb123.cab', sha1: d.sha1, sha256: d.sha256, size: bytes.length }, bytes);
    assert.equal(stored.relativePath, `${d.sha1Hex.slice(-2)}/${d.sha1Hex}.cab`);
    assert.equal(stored.path, path.join(dir, d.sha1Hex.slice(-2), `${d.sha1Hex}.cab`));
    assert.deepEqual(await readFile(stored.path), bytes);
    assert.equal(await store.storedSize(d.sha1, 'kb123.cab'), bytes.length);
    assert.equal(await store.storedSize(d.sha1, 'kb123.msu'), null, 'another extension is another path');
  });

  it('streams a large file from disk (8 MiB + 3 bytes) and verifies it', async () => {
    const bytes = randomBytes(8 * 1024 * 1024 + 3);
    const d = digests(bytes);
    const source = path.join(os.tmpdir(), `ws-cs-src-${process.pid}.bin`);
    await writeFile(source, bytes);
    try {
      const stored = await store.put({ fileName: 'big.psf', sha1: d.sha1, sha256: d.sha256, size: bytes.length }, { path: source });
      assert.equal((await stat(stored.path)).size, bytes.length);
      assert.deepEqual(digests(await readFile(stored.path)), d);
    } finally {
      await rm(source, { force: true });
    }
  });

  it('accepts a file with no declared SHA-256 on its SHA-1 alone', async () => {
    const bytes = Buffer.from('old metadata has only SHA-1');
    const d = digests(bytes);
    const stored = await store.put({ fileName: 'old.exe', sha1: d.sha1, sha256: null, size: null }, bytes);
    assert.deepEqual(await readFile(stored.path), bytes);
  });

  it('refuses bytes against the fixture leaf digests and leaves nothing behind', async () => {
    const before = await listAll();
    await assert.rejects(
      store.put(LEAF_FILE, Buffer.from('definitely not AM_Delta.exe')),
      (e: unknown) => e instanceof CodedError && e.code === 'CONTENT.DIGEST_MISMATCH' && /declares h\/W9BGlYUAaqXTp30cZi\/SiV3c0=/.test(e.message),
    );
    assert.deepEqual(await listAll(), before);
    assert.equal(await store.storedSize(LEAF_FILE.sha1, LEAF_FILE.fileName), null);
  });

  it('refuses a right SHA-1 with a wrong SHA-256, and a missing source file, leaving nothing', async () => {
    const before = await listAll();
    const bytes = randomBytes(1000);
    const d = digests(bytes);
    await assert.rejects(
      store.put({ fileName: 'x.cab', sha1: d.sha1, sha256: digests(Buffer.from('other')).sha256, size: 1000 }, bytes),
      (e: unknown) => e instanceof CodedError && e.code === 'CONTENT.DIGEST_MISMATCH' && /SHA-256/.test(e.message),
    );
    await assert.rejects(
      store.put({ fileName: 'x.cab', sha1: d.sha1, sha256: d.sha256, size: 1000 }, { path: path.join(dir, 'nope.bin') }),
      (e: unknown) => e instanceof CodedError && e.code === 'CONTENT.UNREADABLE',
    );
    assert.deepEqual(await listAll(), before);
  });

  it('keeps staged bytes invisible until commit, and discard removes them', async () => {
    const bytes = randomBytes(512);
    const d = digests(bytes);
    const expected = { fileName: 'staged.cab', sha1: d.sha1, sha256: d.sha256, size: bytes.length };
    const staged = await store.stage(expected, bytes);
    assert.equal(await store.storedSize(d.sha1, 'staged.cab'), null);
    await staged.discard();
    assert.equal((await listAll()).some((f) => f.startsWith('.incoming')), false);
    const again = await store.stage(expected, bytes);
    await again.commit();
    assert.equal(await store.storedSize(d.sha1, 'staged.cab'), 512);
    await assert.rejects(again.commit(), /already committed/);
  });
});
