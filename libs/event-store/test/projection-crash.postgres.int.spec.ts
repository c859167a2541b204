import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EventStore, PgDatabase } from '#event-store';
import { createTestDatabase, requireServices, type TestDatabase } from '#test-support';
import { testRegistry, thing } from './test-events.js';

const skip = await requireServices('postgres');
const EVENTS = 600;
const worker = path.resolve('dist/test/workers/projection-worker.js');

describe('projection survives being killed mid-batch', { skip }, () => {
  let database: TestDatabase;
  let store: EventStore;

  before(async () => {
    database = await createTestDatabase('crash');
    store = await EventStore.open(new PgDatabase({ connectionString: database.url }), { registry: testRegistry() });
    await store.db.exec('CREATE TABLE crash_applied (message_id text PRIMARY KEY, times int NOT NULL)');
    for (let i = 0; i < EVENTS; i += 50) {
      await store.append(`crash-${i}`, Array.from({ length: 50 }, (_, j) => thing(i + j)), 'no-stream');
    }
  });
  after(async () => {
    await store?.close();
    await database?.drop();
  });

  it('applies every event exactly once across a SIGKILL and a restart', async () => {
    // First run: kill it hard once it has committed some batches but not all.
    const first = spawn(process.execPath, [worker, database.url], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      first.stdout.on('data', (chunk: Buffer) => {
        const match = /applied (\d+)/.exec(chunk.toString());
        if (match && Number(match[1]) >= 150) {
          first.kill('SIGKILL');
          resolve();
        }
      });
      first.on('exit', (code) => (code === 0 ? reject(new Error('worker finished before it could be killed')) : undefined));
    });
    await new Promise((r) => first.on('exit', r));
    const midway = await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM crash_applied');
    assert.ok(midway.rows[0]!.n < EVENTS, 'the kill landed before the end');

    // Second run: resumes from the committed checkpoint and finishes.
    const second = spawn(process.execPath, [worker, database.url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    second.stdout.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise((r) => second.on('exit', r));
    assert.equal(code, 0);
    assert.match(output, /caught-up/);

    const rows = await store.db.query<{ n: number; max: number; min: number }>(
      'SELECT count(*)::int AS n, max(times)::int AS max, min(times)::int AS min FROM crash_applied',
    );
    assert.deepEqual(rows.rows[0], { n: EVENTS, max: 1, min: 1 });
  });
});
