import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PgliteDatabase } from '#event-store';

describe('the embedded store on disk', () => {
  it('runs with small shared buffers and keeps what it stored across a reopen', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'watershed-pglite-'));
    try {
      const first = await PgliteDatabase.open(dir);
      // What keeps an all-in-one server's RSS down: PGlite's shared buffers never shrink (pglite.database.ts).
      assert.deepEqual((await first.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows, [{ shared_buffers: '32MB' }]);
      // The settings PGlite itself starts with are still in force beside ours.
      assert.deepEqual((await first.query<{ search_path: string }>('SHOW search_path')).rows, [{ search_path: 'public' }]);
      await first.exec("CREATE TABLE kept (id int PRIMARY KEY, body text); INSERT INTO kept SELECT g, repeat('x', 2000) FROM generate_series(1, 20000) g;");
      await first.close();
      const second = await PgliteDatabase.open(dir);
      assert.deepEqual((await second.query<{ n: number }>('SELECT count(*)::int AS n FROM kept')).rows, [{ n: 20000 }]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
