import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compareLogPositions, decodeAnchor, EventValidationError, LOG_START, parseWindowsAnchor, formatWindowsAnchor, type RecordedEvent } from '#contracts';
import {
  DuplicateMessageError,
  EventStore,
  LogSubscription,
  LogWakeSignal,
  type Projection,
  type SqlDatabase,
  StreamVersionConflictError,
  UnknownWireCheckpointError,
} from '#event-store';
import { other, testRegistry, thing } from './test-events.js';

export interface ContractTarget {
  readonly name: string;
  /** Why the suite cannot run here (node:test skip value), or false. */
  readonly skip: false | string;
  open(): Promise<{ db: SqlDatabase; cleanup: () => Promise<void> }>;
}

const nums = (events: readonly RecordedEvent[]): number[] => events.map((e) => (e.data as { n: number }).n);

/** The behaviour every backend must show; run once on PGlite and once on PostgreSQL. */
export function eventStoreContract(target: ContractTarget): void {
  describe(`event store contract on ${target.name}`, { skip: target.skip }, () => {
    let store: EventStore;
    let db: SqlDatabase;
    let cleanup: () => Promise<void>;
    let streamCounter = 0;
    /**
     * Appends, then waits until the events are final for readers. On a shared PostgreSQL cluster any
     * older open transaction (even in another database) holds readers back a little: that is the
     * gap-safety rule at work, so tests wait for it rather than assume instant visibility.
     */
    const appendVisible = async (...args: Parameters<EventStore['append']>): ReturnType<EventStore['append']> => {
      const result = await store.append(...args);
      const last = result.positions.at(-1);
      if (last) await waitFor(async () => compareLogPositions(await store.head(), last) >= 0, 30_000);
      return result;
    };
    const newStream = (): string => `test-${++streamCounter}-${Math.random().toString(36).slice(2, 8)}`;

    before(async () => {
      const opened = await target.open();
      cleanup = opened.cleanup;
      db = opened.db;
      store = await EventStore.open(opened.db, { registry: testRegistry() });
    });
    after(async () => {
      await store?.close();
      await cleanup?.();
    });

    describe('list parameters', () => {
      // Lookups by a list of ids take it as one array parameter (`= ANY($1::text[])`), which the planner
      // can match to an index; the driver must carry every string through as itself.
      it('carry any string as itself: quotes, commas, braces, backslashes, NULL, empty', async () => {
        const odd = ['no "such", {pc}', 'NULL', 'back\\slash', '', ' spaced ', 'é', '{}'];
        const rows = await db.query<{ x: string | null }>('SELECT x FROM unnest($1::text[]) WITH ORDINALITY AS u(x, i) ORDER BY i', [odd]);
        assert.deepEqual(rows.rows.map((r) => r.x), odd);
        const hits = await db.query<{ hit: boolean }>('SELECT $1::text = ANY($2::text[]) AS hit', ['NULL', odd]);
        assert.equal(hits.rows[0]?.hit, true);
        const none = await db.query<{ hit: boolean }>('SELECT $1::text = ANY($2::text[]) AS hit', ['x', []]);
        assert.equal(none.rows[0]?.hit, false);
      });
    });

    describe('append and readStream', () => {
      it('creates a stream with no-stream and reads it back in order with metadata', async () => {
        const id = newStream();
        const events = [thing(1), thing(2), thing(3)];
        const result = await appendVisible(id, events, 'no-stream');
        assert.equal(result.nextExpectedVersion, 3n);
        assert.equal(result.positions.length, 3);
        const read = await store.readStream(id);
        assert.equal(read.version, 3n);
        assert.deepEqual(nums(read.events), [1, 2, 3]);
        assert.deepEqual(read.events.map((e) => e.streamPosition), [1n, 2n, 3n]);
        assert.deepEqual(read.events[0]?.metadata, events[0]?.metadata);
        assert.equal(read.events[2]?.anchor, result.lastAnchor);
      });

      it('refuses no-stream when the stream exists, reporting the actual version', async () => {
        const id = newStream();
        await appendVisible(id, [thing(1)], 'no-stream');
        await assert.rejects(store.append(id, [thing(2)], 'no-stream'), (error: unknown) => {
          assert.ok(error instanceof StreamVersionConflictError);
          assert.equal(error.code, 'STREAM.VERSION_CONFLICT');
          assert.equal(error.actual, 1n);
          return true;
        });
        assert.equal((await store.readStream(id)).events.length, 1);
      });

      it('appends at an exact version and refuses a stale one', async () => {
        const id = newStream();
        await appendVisible(id, [thing(1), thing(2)], 'no-stream');
        const ok = await appendVisible(id, [thing(3)], 2n);
        assert.equal(ok.nextExpectedVersion, 3n);
        await assert.rejects(store.append(id, [thing(4)], 2n), StreamVersionConflictError);
        assert.deepEqual(nums((await store.readStream(id)).events), [1, 2, 3]);
      });

      it('lets exactly one of two writers with the same expected version win', async () => {
        const id = newStream();
        await appendVisible(id, [thing(1)], 'no-stream');
        const results = await Promise.allSettled([store.append(id, [thing(2)], 1n), store.append(id, [thing(3)], 1n)]);
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        const rejected = results.find((r) => r.status === 'rejected');
        assert.ok(rejected && rejected.status === 'rejected' && rejected.reason instanceof StreamVersionConflictError);
        assert.equal((await store.readStream(id)).version, 2n);
      });

      it('honours exists and any', async () => {
        const id = newStream();
        await assert.rejects(store.append(id, [thing(1)], 'exists'), StreamVersionConflictError);
        await appendVisible(id, [thing(1)], 'any');
        await appendVisible(id, [thing(2)], 'exists');
        await appendVisible(id, [thing(3)], 'any');
        assert.deepEqual(nums((await store.readStream(id)).events), [1, 2, 3]);
      });

      it('reads a missing stream as empty at version 0', async () => {
        const read = await store.readStream(newStream());
        assert.equal(read.exists, false);
        assert.equal(read.version, 0n);
        assert.deepEqual(read.events, []);
      });

      it('reads a stream from a position with a limit', async () => {
        const id = newStream();
        await appendVisible(id, [1, 2, 3, 4, 5].map((n) => thing(n)), 'no-stream');
        assert.deepEqual(nums((await store.readStream(id, { fromPosition: 2n, limit: 2 })).events), [2, 3]);
      });
    });

    describe('validation at the boundary', () => {
      it('rejects unknown types, bad data and bad metadata, storing nothing', async () => {
        const id = newStream();
        const unknown = { ...thing(1), type: 'NoSuchEvent' };
        const badData = { ...thing(2), data: { n: 'two', label: 2 } };
        const badMeta = thing(3, 'x', { messageId: 'not-a-uuid' });
        for (const bad of [unknown, badData, badMeta]) {
          await assert.rejects(store.append(id, [thing(0), bad], 'any'), EventValidationError);
        }
        assert.equal((await store.readStream(id)).exists, false);
      });

      it('rejects invalid stream ids and empty appends', async () => {
        await assert.rejects(store.append('', [thing(1)], 'any'), RangeError);
        await assert.rejects(store.append('has space', [thing(1)], 'any'), RangeError);
        await assert.rejects(store.append(newStream(), [], 'any'), RangeError);
      });
    });

    describe('idempotency on messageId', () => {
      it('refuses a duplicate messageId by default, storing nothing of that append', async () => {
        const id = newStream();
        const first = thing(1);
        await appendVisible(id, [first], 'any');
        await assert.rejects(store.append(id, [thing(2), first], 'any'), DuplicateMessageError);
        assert.deepEqual(nums((await store.readStream(id)).events), [1]);
      });

      it('skips already-stored messages when asked, so a retry is a no-op', async () => {
        const id = newStream();
        const batch = [thing(1), thing(2)];
        await appendVisible(id, batch, 'no-stream');
        const retry = await appendVisible(id, batch, 'no-stream', { skipDuplicateMessages: true });
        assert.equal(retry.positions.length, 0);
        assert.equal(retry.duplicateMessageIds.length, 2);
        const partial = await appendVisible(id, [batch[1]!, thing(3)], 'any', { skipDuplicateMessages: true });
        assert.equal(partial.positions.length, 1);
        assert.deepEqual(nums((await store.readStream(id)).events), [1, 2, 3]);
      });
    });

    describe('readAll', () => {
      it('returns events in log order and resumes after an anchor without repeats', async () => {
        const start = await store.head();
        const a = newStream();
        const b = newStream();
        await appendVisible(a, [thing(101), thing(102)], 'no-stream');
        await appendVisible(b, [thing(103)], 'no-stream');
        await appendVisible(a, [thing(104)], 'exists');
        const all = await store.readAll(start);
        assert.deepEqual(nums(all.events), [101, 102, 103, 104]);
        const firstTwo = await store.readAll(start, { limit: 2 });
        assert.deepEqual(nums(firstTwo.events), [101, 102]);
        const rest = await store.readAll(decodeAnchor(firstTwo.events[1]!.anchor));
        assert.deepEqual(nums(rest.events), [103, 104]);
        for (let i = 1; i < all.events.length; i += 1) {
          assert.ok(compareLogPositions(all.events[i - 1]!.position, all.events[i]!.position) < 0);
          assert.ok(all.events[i - 1]!.anchor < all.events[i]!.anchor, 'anchors sort as the log does');
        }
      });

      it('orders numerically, not as text, past ten events (regression: ORDER BY on text aliases)', async () => {
        const start = await store.head();
        const id = newStream();
        const ns = Array.from({ length: 25 }, (_, i) => 500 + i);
        await appendVisible(id, ns.map((n) => thing(n)), 'no-stream');
        assert.deepEqual(nums((await store.readAll(start)).events), ns);
        assert.deepEqual(nums((await store.readStream(id)).events), ns);
        const firstPage = await store.readAll(start, { limit: 12 });
        assert.deepEqual(nums((await store.readAll(firstPage.position)).events), ns.slice(12));
      });

      it('filters by event type and stream prefix', async () => {
        const start = await store.head();
        const prefix = `pfx${Math.random().toString(36).slice(2, 7)}-`;
        await appendVisible(`${prefix}1`, [thing(201)], 'any');
        await appendVisible(newStream(), [thing(202)], 'any');
        await appendVisible(`${prefix}2`, [thing(203)], 'any');
        assert.deepEqual(nums((await store.readAll(start, { streamPrefix: prefix })).events), [201, 203]);
        assert.deepEqual((await store.readAll(start, { eventTypes: ['Other'] })).events, []);
        assert.equal((await store.readAll(start, { eventTypes: ['ThingHappened'] })).events.length, 3);
      });

      it('says how far a filtered read examined the log: past unwanted events up to the head, or the last event of a full page', async () => {
        const start = await store.head();
        const id = newStream();
        await appendVisible(id, [thing(211), other(212), thing(213), other(214), other(215)], 'no-stream');
        const head = await store.head();
        const short = await store.readAll(start, { eventTypes: ['ThingHappened'], streamPrefix: id });
        assert.deepEqual(nums(short.events), [211, 213]);
        assert.equal(compareLogPositions(short.position, short.events[1]!.position), 0);
        assert.ok(compareLogPositions(short.scannedTo, head) >= 0, 'short filtered read: examined up to the head');
        const full = await store.readAll(start, { eventTypes: ['ThingHappened'], streamPrefix: id, limit: 1 });
        assert.deepEqual(nums(full.events), [211]);
        assert.equal(compareLogPositions(full.scannedTo, full.position), 0, 'full page: only up to its last event');
        const none = await store.readAll(head, { eventTypes: ['ThingHappened'] });
        assert.deepEqual(none.events, []);
        assert.ok(compareLogPositions(none.scannedTo, head) >= 0);
        const unfiltered = await store.readAll(start, { limit: 2 });
        assert.equal(compareLogPositions(unfiltered.scannedTo, unfiltered.position), 0);
      });

      it('rejects a limit out of range', async () => {
        await assert.rejects(store.readAll(LOG_START, { limit: 0 }), RangeError);
        await assert.rejects(store.readAll(LOG_START, { limit: 1_000_000 }), RangeError);
      });
    });

    describe('subscribe', () => {
      it('catches up, then delivers live events once each, in order', async () => {
        const start = await store.head();
        const id = newStream();
        await appendVisible(id, [thing(301), thing(302)], 'no-stream');
        const seen: number[] = [];
        let caughtUp = false;
        const sub = store.subscribe({
          from: start,
          streamPrefix: id,
          pollIntervalMs: 50,
          handler: (e) => {
            seen.push((e.data as { n: number }).n);
          },
          onCaughtUp: () => {
            caughtUp = true;
          },
        });
        await waitFor(() => seen.length === 2);
        assert.ok(caughtUp);
        await appendVisible(id, [thing(303)], 'exists');
        await appendVisible(id, [thing(304), thing(305)], 'exists');
        await waitFor(() => seen.length === 5);
        await sub.stop();
        assert.deepEqual(seen, [301, 302, 303, 304, 305]);
      });

      it('stops with an error when the handler throws, at the failed event', async () => {
        const start = await store.head();
        const id = newStream();
        await appendVisible(id, [thing(1), thing(2), thing(3)], 'no-stream');
        const sub = store.subscribe({
          from: start,
          streamPrefix: id,
          handler: (e) => {
            if ((e.data as { n: number }).n === 2) throw new Error('boom');
          },
        });
        await assert.rejects(sub.done, /boom/);
        assert.deepEqual(nums((await store.readAll(start, { streamPrefix: id, limit: 1 })).events), [1]);
        assert.equal(compareLogPositions(sub.position, (await store.readStream(id)).events[0]!.position), 0);
      });
    });

    describe('subscribe with a type filter', () => {
      it('resumes past events of other types instead of re-reading them on every poll, and still delivers each wanted event once', async () => {
        const start = await store.head();
        const id = newStream();
        await appendVisible(id, [thing(351), other(352), other(353)], 'no-stream');
        const reads: { after: string; events: number }[] = [];
        const wake = new LogWakeSignal();
        const seen: number[] = [];
        const sub = new LogSubscription(
          async (after, filter) => {
            const result = await store.readAll(after, filter);
            reads.push({ after: `${after.transactionId}/${after.sequence}`, events: result.events.length });
            return result;
          },
          wake,
          { from: start, eventTypes: ['ThingHappened'], streamPrefix: id, pollIntervalMs: 20, handler: (e) => void seen.push((e.data as { n: number }).n) },
        );
        await waitFor(() => seen.length === 1 && reads.length >= 3);
        const head = await store.head();
        const afterFirst = reads.slice(1).map((r) => r.after);
        assert.ok(afterFirst.every((a) => a === `${head.transactionId}/${head.sequence}`), `later reads start at the head, not at the last wanted event: ${afterFirst.join(' ')}`);
        await appendVisible(id, [other(354), thing(355)], 'exists');
        wake.notify();
        await waitFor(() => seen.length === 2);
        await sub.stop();
        assert.deepEqual(seen, [351, 355]);
      });
    });

    describe('projections', () => {
      const projection = (name: string, failOn?: number): Projection => ({
        name,
        eventTypes: ['ThingHappened'],
        migrations: [],
        async apply(tx, event) {
          const n = (event.data as { n: number }).n;
          if (n === failOn) throw new Error(`cannot project ${n}`);
          await tx.query(
            `INSERT INTO test_projection_totals (name, total, applied) VALUES ($1, $2, 1)
             ON CONFLICT (name) DO UPDATE SET total = test_projection_totals.total + $2, applied = test_projection_totals.applied + 1`,
            [name, n],
          );
        },
        async reset(tx) {
          await tx.query('DELETE FROM test_projection_totals WHERE name = $1', [name]);
        },
      });
      const totals = async (name: string): Promise<{ total: number; applied: number } | undefined> =>
        (
          await store.db.query<{ total: number; applied: number }>(
            'SELECT total::int AS total, applied::int AS applied FROM test_projection_totals WHERE name = $1',
            [name],
          )
        ).rows[0];

      before(async () => {
        await store.db.exec(
          'CREATE TABLE IF NOT EXISTS test_projection_totals (name text PRIMARY KEY, total bigint NOT NULL, applied bigint NOT NULL)',
        );
      });

      it('applies every event once, keeps its checkpoint, and rebuilds to the same state', async () => {
        const name = `p-${newStream()}`;
        const runner = store.projectionRunner(projection(name), { batchSize: 7 });
        const before = await runner.catchUp();
        const expected = (await totals(name))!;
        assert.equal(expected.applied, before);
        await appendVisible(newStream(), [thing(5), thing(6)], 'no-stream');
        assert.equal(await runner.catchUp(), 2);
        assert.equal(await runner.catchUp(), 0);
        const after = (await totals(name))!;
        assert.equal(after.total, expected.total + 11);
        assert.equal(await runner.rebuild(), after.applied);
        assert.deepEqual(await totals(name), after);
        assert.equal(compareLogPositions(await runner.checkpoint(), await store.head()), 0);
      });

      it('rolls back state and checkpoint together when a batch fails', async () => {
        const name = `p-${newStream()}`;
        const failing = 900_000 + Math.floor(Math.random() * 1000);
        const runner = store.projectionRunner(projection(name, failing), { batchSize: 10_000 });
        await runner.catchUp();
        const before = await totals(name);
        const checkpoint = await runner.checkpoint();
        await appendVisible(newStream(), [thing(1), thing(failing), thing(2)], 'no-stream');
        await assert.rejects(runner.processBatch(), /cannot project/);
        assert.deepEqual(await totals(name), before);
        assert.equal(compareLogPositions(await runner.checkpoint(), checkpoint), 0);
      });

      it('costs no write when nothing of its types was appended, and a restart neither re-applies nor skips', async () => {
        const name = `p-${newStream()}`;
        const runner = store.projectionRunner(projection(name), { batchSize: 3 });
        await runner.catchUp();
        const row = async (): Promise<{ xmax: string; updated: string }> =>
          (
            await store.db.query<{ xmax: string; updated: string }>(
              'SELECT xmax::text AS xmax, updated_at::text AS updated FROM ws_projection_checkpoints WHERE name = $1',
              [name],
            )
          ).rows[0]!;
        const id = newStream();
        await appendVisible(id, [other(1), other(2)], 'no-stream');
        const before = await row();
        for (let i = 0; i < 3; i += 1) assert.equal(await runner.processBatch(), 0);
        assert.deepEqual(await row(), before, 'no lock, no checkpoint write for a batch of other types');

        const base = (await totals(name))?.applied ?? 0;
        await appendVisible(id, [thing(10), other(3), thing(20), other(4)], 'exists');
        assert.equal(await runner.catchUp(), 2);
        assert.equal(compareLogPositions(await runner.checkpoint(), await store.head()), 0, 'a short batch moves the checkpoint past trailing events of other types');
        await appendVisible(id, [other(5), thing(40), other(6)], 'exists');
        // A restart: a new runner with the same name starts from the stored checkpoint.
        const restarted = store.projectionRunner(projection(name), { batchSize: 3 });
        assert.equal(await restarted.catchUp(), 1);
        assert.equal(await runner.catchUp(), 0, 'the first runner sees the checkpoint moved by the other and does not re-apply');
        const after = (await totals(name))!;
        assert.equal(after.applied, base + 3);
        assert.equal(compareLogPositions(await restarted.checkpoint(), await store.head()), 0);
      });

      it('follows the log live once started', async () => {
        const name = `p-${newStream()}`;
        const runner = store.projectionRunner(projection(name), { pollIntervalMs: 50 });
        await runner.catchUp();
        const base = (await totals(name))?.applied ?? 0;
        runner.start();
        await appendVisible(newStream(), [thing(1), thing(1)], 'no-stream');
        await waitFor(async () => ((await totals(name))?.applied ?? 0) === base + 2);
        await runner.stop();
      });
    });

    describe('deleting old events of a stream (retention)', () => {
      const old = (n: number): ReturnType<typeof thing> => thing(n, `thing-${n}`, { occurredAt: new Date(Date.UTC(2020, 0, 1, 0, 0, n)).toISOString() });
      const recent = (n: number): ReturnType<typeof thing> => thing(n, `thing-${n}`, { occurredAt: new Date().toISOString() });

      it('deletes only the selected events, keeps the global positions of the rest, and readers from an anchor before or after the gap see exactly the rest', async () => {
        const start = await store.head();
        const id = newStream();
        const neighbour = newStream();
        const written = await appendVisible(id, [old(1), old(2), other(3), recent(4)], 'no-stream');
        await appendVisible(neighbour, [old(5)], 'no-stream');
        await appendVisible(id, [old(6), recent(7)], 'exists');
        const before = await store.readAll(start);
        const positionsOf = (events: readonly RecordedEvent[]): Map<number, string> => new Map(events.map((e) => [(e.data as { n: number }).n, e.anchor]));
        const selection = { throughPosition: 5n, eventTypes: ['ThingHappened'], occurredBefore: new Date(Date.UTC(2021, 0, 1)) };
        assert.equal(await store.countStreamEvents(id, selection), 3, 'a dry run counts 1, 2 and 6');
        assert.deepEqual(nums((await store.readStream(id)).events), [1, 2, 3, 4, 6, 7], 'counting deletes nothing');

        assert.equal(await store.deleteStreamEvents(id, selection), 3);
        assert.equal(await store.countStreamEvents(id, selection), 0);
        const afterPrune = await store.readAll(start);
        assert.deepEqual(nums(afterPrune.events), [3, 4, 5, 7], 'other types, newer events, events past the position and other streams stay');
        const was = positionsOf(before.events);
        for (const [n, anchor] of positionsOf(afterPrune.events)) assert.equal(anchor, was.get(n), `event ${n} keeps its position`);

        // From an anchor before the gap, inside it (a deleted event's own position) and after it.
        const firstAnchor = decodeAnchor(written.lastAnchor!);
        assert.deepEqual(nums((await store.readAll(before.events[0]!.position)).events), [3, 4, 5, 7], 'after a deleted event: the rest');
        assert.deepEqual(nums((await store.readAll(firstAnchor)).events), [5, 7], 'after the first append: the neighbour and the newest');
        const at5 = afterPrune.events.find((e) => (e.data as { n: number }).n === 5)!;
        assert.deepEqual(nums((await store.readAll(at5.position)).events), [7]);
        const read = await store.readStream(id);
        assert.deepEqual(read.events.map((e) => e.streamPosition), [3n, 4n, 6n], 'stream positions keep their gaps');
        assert.deepEqual(nums(read.events), [3, 4, 7]);
      });

      it('leaves the stream version alone: appends continue at the next position and a stale expected version is still refused', async () => {
        const id = newStream();
        await appendVisible(id, [old(1), old(2), old(3)], 'no-stream');
        assert.equal(await store.deleteStreamEvents(id, { throughPosition: 3n, eventTypes: ['ThingHappened'] }), 3);
        const emptied = await store.readStream(id);
        assert.equal(emptied.version, 3n);
        assert.equal(emptied.exists, true);
        assert.deepEqual(emptied.events, []);
        await assert.rejects(store.append(id, [thing(4)], 'no-stream'), StreamVersionConflictError, 'the stream still exists');
        await assert.rejects(store.append(id, [thing(4)], 2n), StreamVersionConflictError);
        const next = await appendVisible(id, [thing(4)], 3n);
        assert.equal(next.nextExpectedVersion, 4n);
        const read = await store.readStream(id);
        assert.deepEqual(read.events.map((e) => e.streamPosition), [4n]);
        assert.deepEqual(nums((await store.readStream(id, { fromPosition: 2n, limit: 1 })).events), [4], 'a ranged read skips the gap');
      });

      it('a deleted event is no longer a duplicate: its messageId may be appended again (callers that dedupe must decide what that means)', async () => {
        const id = newStream();
        const first = old(1);
        await appendVisible(id, [first], 'no-stream');
        await store.deleteStreamEvents(id, { throughPosition: 1n, eventTypes: ['ThingHappened'] });
        const again = await appendVisible(id, [first], 'any', { skipDuplicateMessages: true });
        assert.equal(again.positions.length, 1);
        assert.deepEqual((await store.readStream(id)).events.map((e) => e.streamPosition), [2n]);
      });

      it('projections and subscriptions move on past the gap: a checkpoint at a deleted position resumes, a rebuild gives the remaining events', async () => {
        const name = `prune-${newStream()}`;
        await store.db.exec('CREATE TABLE IF NOT EXISTS test_prune_seen (name text NOT NULL, n int NOT NULL)');
        const projection: Projection = {
          name,
          eventTypes: ['ThingHappened'],
          async apply(tx, event) {
            if (!event.streamId.startsWith(name)) return;
            await tx.query('INSERT INTO test_prune_seen (name, n) VALUES ($1, $2)', [name, (event.data as { n: number }).n]);
          },
          async reset(tx) {
            await tx.query('DELETE FROM test_prune_seen WHERE name = $1', [name]);
          },
        };
        const seen = async (): Promise<number[]> =>
          (await store.db.query<{ n: number }>('SELECT n FROM test_prune_seen WHERE name = $1 ORDER BY n', [name])).rows.map((r) => r.n);
        const id = `${name}-s`;
        const runner = store.projectionRunner(projection, { batchSize: 2 });
        await appendVisible(id, [old(1), old(2)], 'no-stream');
        await runner.catchUp();
        const checkpoint = await runner.checkpoint();
        await store.deleteStreamEvents(id, { throughPosition: 2n, eventTypes: ['ThingHappened'] });
        await appendVisible(id, [recent(3)], 'exists');
        assert.equal(compareLogPositions(await runner.checkpoint(), checkpoint), 0, 'pruning does not touch checkpoints');
        await runner.catchUp();
        assert.deepEqual(await seen(), [1, 2, 3]);
        await runner.rebuild();
        assert.deepEqual(await seen(), [3]);

        const got: number[] = [];
        const sub = store.subscribe({ from: LOG_START, streamPrefix: id, pollIntervalMs: 20, handler: (e) => void got.push((e.data as { n: number }).n) });
        await waitFor(() => got.length === 1);
        await appendVisible(id, [recent(4)], 'exists');
        await waitFor(() => got.length === 2);
        await sub.stop();
        assert.deepEqual(got, [3, 4]);
      });

      it('finds the streams that hold events of a type older than a time', async () => {
        const prefix = `find${Math.random().toString(36).slice(2, 7)}-`;
        await appendVisible(`${prefix}a`, [old(1)], 'no-stream');
        await appendVisible(`${prefix}b`, [recent(2)], 'no-stream');
        await appendVisible(`${prefix}c`, [other(3)], 'no-stream');
        const found = await store.findStreamsWithEventsBefore({ eventTypes: ['ThingHappened'], occurredBefore: new Date(Date.UTC(2021, 0, 1)), streamPrefix: prefix });
        assert.deepEqual(found, [`${prefix}a`]);
      });
    });

    describe('wire checkpoints (Windows anchors)', () => {
      it('issues a small integer per head, reuses it while the head is still, and resolves it', async () => {
        await appendVisible(newStream(), [thing(1)], 'no-stream');
        const first = await store.issueWireCheckpoint();
        assert.ok(first.checkpoint >= 1);
        const again = await store.issueWireCheckpoint();
        assert.equal(again.checkpoint, first.checkpoint);
        const id = newStream();
        await appendVisible(id, [thing(401)], 'no-stream');
        const next = await store.issueWireCheckpoint();
        assert.equal(next.checkpoint, first.checkpoint + 1);

        const wire = formatWindowsAnchor({ checkpoint: first.checkpoint, issuedAt: first.issuedAt });
        assert.match(wire, /^\d+,\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
        const resolved = await store.resolveWireCheckpoint(parseWindowsAnchor(wire).checkpoint);
        assert.deepEqual(nums((await store.readAll(resolved)).events), [401]);
      });

      it('rejects unknown or out-of-range checkpoints', async () => {
        await assert.rejects(store.resolveWireCheckpoint(2_000_000_000), UnknownWireCheckpointError);
        await assert.rejects(store.resolveWireCheckpoint(0), UnknownWireCheckpointError);
        await assert.rejects(store.resolveWireCheckpoint(1.5), UnknownWireCheckpointError);
      });
    });
  });
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
