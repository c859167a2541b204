import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeAnchor, type LogPosition, LOG_START, type RecordedEvent } from '#contracts';
import { EventStore, PgDatabase } from '#event-store';
import { createTestDatabase, requireServices, type TestDatabase } from '#test-support';
import { testRegistry, thing } from './test-events.js';

const skip = await requireServices('postgres');
const WRITERS = 8;
const EVENTS_PER_WRITER = 1250;

describe('gap safety on real PostgreSQL', { skip }, () => {
  let database: TestDatabase;
  let store: EventStore;

  before(async () => {
    database = await createTestDatabase('gaps');
    store = await EventStore.open(new PgDatabase({ connectionString: database.url, maxConnections: WRITERS + 4 }), {
      registry: testRegistry(),
    });
  });
  after(async () => {
    await store?.close();
    await database?.drop();
  });

  it('hides an event committed early behind an older open transaction until that one commits', async () => {
    const start = await store.head();
    let releaseSlow!: () => void;
    const slowMayCommit = new Promise<void>((r) => (releaseSlow = r));
    let slowInserted!: () => void;
    const slowHasInserted = new Promise<void>((r) => (slowInserted = r));
    // The slow writer takes its transaction id (and sequence value) first, then stays open.
    const slow = store.db.transaction(async (tx) => {
      await store.appendInTransaction(tx, 'gap-slow', [thing(1)], 'no-stream');
      slowInserted();
      await slowMayCommit;
    });
    await slowHasInserted;
    await store.append('gap-fast', [thing(2)], 'no-stream');

    await assert.rejects(store.waitForVisibility(200), /did not become visible/, 'the fast event waits for the open one');
    const whileOpen = await store.readAll(start);
    // (Other transactions on the cluster can only hide more, never less: this assertion is exact.)
    assert.deepEqual(whileOpen.events, [], 'nothing past the open transaction is final yet');

    releaseSlow();
    await slow;
    await store.waitForVisibility(30_000);
    let afterCommit = await store.readAll(start);
    for (let i = 0; i < 3000 && afterCommit.events.length < 2; i += 1) {
      await new Promise((r) => setTimeout(r, 10));
      afterCommit = await store.readAll(start);
    }
    assert.deepEqual(afterCommit.events.map((e) => (e.data as { n: number }).n), [1, 2]);
  });

  it(`${WRITERS} concurrent writers, ${WRITERS * EVENTS_PER_WRITER} events: a resuming reader sees each exactly once, in one order`, async () => {
    const start = await store.head();
    let writersDone = false;
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      let written = 0;
      let batch = 0;
      while (written < EVENTS_PER_WRITER) {
        // Mixed batch sizes and a stream shared by all writers make the interleaving hard.
        const size = Math.min(EVENTS_PER_WRITER - written, 1 + ((w + batch) % 5));
        const events = Array.from({ length: size }, (_, i) => thing(w * EVENTS_PER_WRITER + written + i));
        const streamId = batch % 3 === 0 ? 'shared-stream' : `writer-${w}`;
        await store.append(streamId, events, 'any');
        written += size;
        batch += 1;
      }
    });
    const allWritten = Promise.all(writers).then(() => {
      writersDone = true;
    });

    const seen: RecordedEvent[] = [];
    let anchor = '';
    const isOurs = (e: RecordedEvent): boolean => comparePosition(e.position, start) > 0;
    let oursSeen = 0;
    // The reader resumes from its last anchor string each time, as a client or downstream server
    // would. It stops once it has seen as many events as were written (an unrelated open transaction
    // on the cluster may hold the tail back for a moment), or fails after a deadline.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const page = await store.readAll(decodeAnchor(anchor), { limit: 97 });
      seen.push(...page.events);
      oursSeen += page.events.filter(isOurs).length;
      if (page.events.length > 0) anchor = page.events[page.events.length - 1]!.anchor;
      if (writersDone && oursSeen >= WRITERS * EVENTS_PER_WRITER) {
        // One more read: anything beyond the expected count would be a duplicate.
        const extra = await store.readAll(decodeAnchor(anchor), { limit: 97 });
        seen.push(...extra.events);
        break;
      }
      if (Date.now() > deadline) break;
      if (page.events.length === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await allWritten;

    const ours = seen.filter(isOurs);
    assert.equal(ours.length, WRITERS * EVENTS_PER_WRITER);
    const ns = new Set(ours.map((e) => (e.data as { n: number }).n));
    assert.equal(ns.size, WRITERS * EVENTS_PER_WRITER, 'every event exactly once');
    for (let i = 1; i < ours.length; i += 1) {
      assert.ok(comparePosition(ours[i - 1]!.position, ours[i]!.position) < 0, 'strictly increasing positions');
    }
    // The order the resuming reader saw is the log's order, as a single full read shows it.
    const full: RecordedEvent[] = [];
    let position: LogPosition = start;
    for (;;) {
      const page = await store.readAll(position, { limit: 10_000 });
      if (page.events.length === 0) break;
      full.push(...page.events);
      position = page.position;
    }
    assert.deepEqual(ours.map((e) => e.anchor), full.map((e) => e.anchor));
    // Within each stream the log order agrees with stream positions.
    const lastByStream = new Map<string, bigint>();
    for (const e of ours) {
      const prev = lastByStream.get(e.streamId) ?? 0n;
      assert.ok(e.streamPosition > prev, `stream ${e.streamId} out of order`);
      lastByStream.set(e.streamId, e.streamPosition);
    }
  });
});

function comparePosition(a: LogPosition, b: LogPosition = LOG_START): number {
  if (a.transactionId !== b.transactionId) return a.transactionId < b.transactionId ? -1 : 1;
  return a.sequence === b.sequence ? 0 : a.sequence < b.sequence ? -1 : 1;
}
