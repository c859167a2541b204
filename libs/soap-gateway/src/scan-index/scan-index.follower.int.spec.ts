import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  ALL_COMPUTERS_GROUP_ID,
  type CausationContext,
  decodeAnchor,
  DEPLOYMENT_EVENTS,
  encodeAnchor,
  EventSchemaRegistry,
  METADATA_EVENTS,
  newEvent,
  updateApprovalStream,
  updateStream,
} from '#contracts';
import { EventStore, PgliteDatabase } from '#event-store';
import { syncUpdates } from '../sync-updates/domain/sync-updates.query.js';
import { guid } from './testing/scan-catalog.builder.js';
import { ScanIndexFollower } from './scan-index.follower.js';

const ctx: CausationContext = {
  correlationId: randomUUID(),
  causationId: null,
  traceparent: null,
  actor: 'test',
  now: () => new Date('2026-10-04T13:17:07.590Z'),
  newId: randomUUID,
};

const imported = (revisionId: number, updateId: string, updateType: 'Software' | 'Category', prerequisites: string[][] = []) =>
  newEvent(ctx, 'UpdateRevisionImported', 1, {
    revisionId,
    updateId,
    revisionNumber: 100,
    updateType,
    title: `update ${revisionId}`,
    prerequisites,
    categoryIds: updateType === 'Software' ? prerequisites.flat() : [],
    bundledRevisions: [],
    supersededUpdateIds: [],
    files: [],
    eulaId: null,
    languages: ['en'],
    coreXml: `<UpdateIdentity UpdateID="${updateId}" RevisionNumber="100" />`,
    documentSha256: 'a'.repeat(64),
    source: 'imported',
  });

const approved = (deploymentId: number, updateId: string) =>
  newEvent(ctx, 'UpdateApproved', 1, { deploymentId, updateId, revisionNumber: 100, groupId: ALL_COMPUTERS_GROUP_ID, action: 'Install', deadline: null });

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('scan index follower on a PGlite event store', () => {
  let store: EventStore;
  const follower = new ScanIndexFollower({ pollIntervalMs: 50 });
  const category = guid(1);
  const update = guid(2);

  before(async () => {
    store = await EventStore.open(await PgliteDatabase.open(), { registry: new EventSchemaRegistry([...METADATA_EVENTS, ...DEPLOYMENT_EVENTS]) });
    // History written before the gateway starts: caught up by replay.
    await store.append(updateStream(category), [imported(10, category, 'Category')], 'no-stream');
    await store.append(updateStream(update), [imported(20, update, 'Software', [[category]])], 'no-stream');
  });

  after(async () => {
    await follower.stop();
    await store.close();
  });

  it('catches up from the start of the log, then follows appends live', async () => {
    follower.start(store);
    assert.equal(await follower.whenReady(5000), true);
    const head = await store.head();
    assert.equal(follower.anchor, encodeAnchor(head));
    assert.equal(
      follower.read((view) => view.isLeaf(category)),
      false,
    );

    const scan = () =>
      follower.read((view) =>
        syncUpdates(view, {
          computerId: 'pc-1',
          cookieGroupIds: null,
          clientProtocolVersion: '2.90',
          lastSyncAnchor: null,
          parameters: { expressQuery: false, skipSoftwareSync: false, installedNonLeafUpdateIds: [10] },
        }),
      );
    assert.equal(scan().result.newUpdates, undefined, 'nothing approved yet');

    await store.append(updateApprovalStream(update), [approved(7, update)], 'no-stream');
    await until(() => follower.read((view) => view.scope([ALL_COMPUTERS_GROUP_ID], { pass: 'software', policy: 'approved-only' }).byRevisionId.has(20)), 'the approval');

    const outcome = scan();
    assert.deepEqual(
      (outcome.result.newUpdates ?? []).map((u) => [u.id, u.deployment?.action, u.deployment?.id]),
      [[20, 'Install', 7]],
    );
    assert.deepEqual(decodeAnchor(outcome.lastSyncAnchor), await store.head());
  });

  it('follows configuration events too, and its anchor stays on the last event applied', async () => {
    const before = follower.version;
    await store.append(
      'server-configuration',
      [newEvent(ctx, 'TargetingModeChanged', 1, { mode: 'client-side' })],
      'any',
    );
    await until(() => follower.version > before, 'the targeting change');
    assert.equal(follower.read((view) => view.targetingMode), 'client-side');
    assert.equal(follower.anchor, encodeAnchor(await store.head()));
  });

  it('resumes after the last applied event when reading the log fails', async () => {
    const failures: unknown[] = [];
    let calls = 0;
    const flaky = {
      subscribe: (options: Parameters<EventStore['subscribe']>[0]) => {
        calls += 1;
        // The first subscription dies after one event, as if the database went away mid catch-up.
        if (calls === 1) {
          const failing = store.subscribe({
            ...options,
            batchSize: 1,
            handler: async (event) => {
              await options.handler(event);
              throw new Error('connection lost');
            },
          });
          return failing;
        }
        return store.subscribe(options);
      },
    };
    const resilient = new ScanIndexFollower({ pollIntervalMs: 50, retryDelayMs: 10, onFailure: (error) => failures.push(error) });
    resilient.start(flaky);
    try {
      assert.equal(await resilient.whenReady(5000), true);
      assert.equal(calls, 2);
      assert.equal(failures.length, 1);
      assert.equal(resilient.anchor, encodeAnchor(await store.head()));
      assert.equal(resilient.version, follower.version, 'no event missed or applied twice');
    } finally {
      await resilient.stop();
    }
  });

  it('waits for an anchor another replica handed the client, and says so when it cannot reach it in time', async () => {
    // A replica whose delivery is held back, as one paused or slow to hear NOTIFY.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const lagging = new ScanIndexFollower({ pollIntervalMs: 20 });
    lagging.start({
      subscribe: (options: Parameters<EventStore['subscribe']>[0]) =>
        store.subscribe({ ...options, handler: async (event) => (await held, options.handler(event)) }),
    });
    try {
      const later = guid(3);
      await store.append(updateStream(later), [imported(30, later, 'Software', [[category]])], 'no-stream');
      const anchor = decodeAnchor(encodeAnchor(await store.head()));
      assert.equal(await lagging.whenAt(anchor, 100), false, 'not reached while held back');
      const waiting = lagging.whenAt(anchor, 5000);
      release();
      assert.equal(await waiting, true);
      assert.equal(lagging.read((view) => view.revision(30)?.revisionId), 30, 'the index holds what the anchor covers');
      assert.equal(await lagging.whenAt(decodeAnchor(null), 0), true, 'no anchor: nothing to wait for');
    } finally {
      await lagging.stop();
    }
  });
});
