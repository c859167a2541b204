import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ALL_COMPUTERS_GROUP_ID as ALL,
  type CausationContext,
  CodedError,
  compareLogPositions,
  DEPLOYMENT_EVENTS,
  EventSchemaRegistry,
  METADATA_EVENTS,
  newEvent,
  updateStream,
} from '#contracts';
import { EventStore, type SqlDatabase } from '#event-store';
import { InProcessBroker, InProcessClient, ServiceBus } from '#messaging';
import { createLogger } from '#platform';
import { DeploymentCommandService } from '../src/application/deployment-commands.service.js';
import { DeploymentQueryService } from '../src/application/deployment-queries.service.js';
import { CleanupService } from '../src/cleanup/cleanup.service.js';
import { DEPLOYMENT_MIGRATIONS } from '../src/projections/deployment.migrations.js';
import type { StoreTarget } from './deployment-store.contract.js';

const ctx = (actor = 'admin:test'): CausationContext => ({
  correlationId: crypto.randomUUID(), causationId: null, traceparent: null, actor, now: () => new Date(), newId: () => crypto.randomUUID(),
});
const U = (n: number): string => `c1000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const DAY = 86_400_000;
const later = (days: number): (() => Date) => () => new Date(Date.now() + days * DAY);
const registry = (): EventSchemaRegistry => new EventSchemaRegistry([...DEPLOYMENT_EVENTS, ...METADATA_EVENTS]);
const silent = createLogger({ level: 'silent', instanceId: 'test', services: ['deployment'] });
const admin = { actor: 'admin:test' };
/** The deployment service alone: no reporting service answers, so stale computers cannot be removed. */
/** No metadata store answers either: no content is deleted (its part is recorded as an error). */
const NO_CONTENT = { deletedContentFiles: 0, deletedUploads: 0, freedContentBytes: 0 };
const withoutReporting = (): ServiceBus => new ServiceBus(new InProcessClient(new InProcessBroker()));

/** Cleanup runs over the deployment projections, held equal on PGlite and PostgreSQL. */
export function cleanupStoreContract(target: StoreTarget): void {
  describe(`cleanup runs on ${target.name}`, { skip: target.skip }, () => {
    let db: SqlDatabase;
    let store: EventStore;
    let cleanup: () => Promise<void>;
    let second: (() => Promise<SqlDatabase>) | undefined;
    let commands: DeploymentCommandService;
    let queries: DeploymentQueryService;
    let service: CleanupService;
    let revisionIds = 0;

    const importRevision = async (updateId: string, supersededUpdateIds: string[] = []): Promise<void> => {
      const result = await store.append(updateStream(updateId), [
        newEvent(ctx('sync'), 'UpdateRevisionImported', 1, {
          revisionId: (revisionIds += 1), updateId, revisionNumber: 100, updateType: 'Software', title: `update ${updateId}`,
          prerequisites: [], categoryIds: [], bundledRevisions: [], supersededUpdateIds, files: [], eulaId: null, languages: [],
          coreXml: '<x/>', documentSha256: 'a'.repeat(64), source: 'synced',
        }),
      ], 'any');
      const last = result.positions.at(-1)!;
      while (compareLogPositions(await store.head(), last) < 0) await new Promise((r) => setTimeout(r, 20));
    };
    const approve = (updateId: string): Promise<unknown> =>
      commands.execute({ type: 'ApproveUpdate', updateId, groupId: ALL, action: 'Install', deadline: null }, ctx());
    const approvals = async (updateId: string): Promise<string[]> => (await queries.approvalsForUpdate(updateId)).approvals.map((a) => a.groupId);
    const eventsOf = async (type: string): Promise<unknown[]> => {
      await store.waitForVisibility();
      return (await store.readAll(undefined, { eventTypes: [type], limit: 10_000 })).events.map((e) => e.data);
    };

    before(async () => {
      const opened = await target.open();
      ({ db, cleanup, second } = opened);
      store = await EventStore.open(db, { registry: registry(), migrations: DEPLOYMENT_MIGRATIONS });
      commands = new DeploymentCommandService(store, silent);
      await commands.onModuleInit();
      queries = new DeploymentQueryService(store);
      service = new CleanupService(store, commands, silent, withoutReporting());
      // U1 superseded by U2 (approved: the replacement clients get), U3 superseded by a declined U4,
      // U5 declined, U6 approved and superseded by U7 that nobody approved.
      await importRevision(U(1));
      await importRevision(U(2), [U(1)]);
      await importRevision(U(3));
      await importRevision(U(4), [U(3)]);
      await importRevision(U(5));
      await importRevision(U(6));
      await importRevision(U(7), [U(6)]);
      await approve(U(1));
      await approve(U(2));
      await approve(U(6));
      await commands.execute({ type: 'DeclineUpdate', updateId: U(4) }, ctx());
      await commands.execute({ type: 'DeclineUpdate', updateId: U(5) }, ctx());
    });
    after(async () => {
      await service?.onModuleDestroy();
      await commands?.onModuleDestroy();
      await store?.close();
      await cleanup?.();
    });

    it('retention settings: stored on the configuration stream, shown with the configuration, the ETag moves', async () => {
      const before = await queries.configuration();
      assert.deepEqual(before.retention, { schedule: 'daily 03:00', supersededUpdateDays: 30, declinedUpdateDays: 30, staleComputerDays: 30, reportEventDays: 90 });
      const settings = { role: 'root', syncSchedule: { mode: 'manual' }, rollup: 'summary', productIds: [], classificationIds: [], languages: [], contentMode: 'store-content' };
      await commands.execute({ type: 'ConfigureServer', settings: { ...settings, retention: { schedule: 'daily 02:15', declinedUpdateDays: 20 } }, expectedVersion: before.version }, ctx());
      const after = await queries.configuration();
      assert.deepEqual(after.retention, { schedule: 'daily 02:15', supersededUpdateDays: 30, declinedUpdateDays: 20, staleComputerDays: 30, reportEventDays: 90 });
      assert.ok(after.version > before.version);
    });

    it('a run before anything is old enough expires nothing and is recorded; without the reporting service it says so', async () => {
      const run = await service.run({ trigger: 'manual', dryRun: false, slot: null }, admin);
      assert.equal(run?.status, 'completed-with-errors');
      assert.deepEqual(run?.errors.map((e) => [e.part, e.code]), [['stale-computers', 'BUS.NO_RESPONDER'], ['report-events', 'BUS.NO_RESPONDER'], ['unused-content', 'BUS.NO_RESPONDER']]);
      assert.deepEqual(run?.counts, { expiredSupersededUpdates: 0, expiredDeclinedUpdates: 0, removedApprovals: 0, removedComputers: 0, prunedReportEvents: 0, prunedReportComputers: 0, ...NO_CONTENT });
      assert.deepEqual(await eventsOf('UpdateExpired'), []);
    });

    it('a dry run 31 days on lists what would go and changes nothing', async () => {
      const before = await db.query('SELECT update_id FROM dep_declines ORDER BY 1');
      const run = await service.run({ trigger: 'manual', dryRun: true, slot: null }, admin, later(31));
      assert.equal(run?.dryRun, true);
      assert.deepEqual(run?.counts, { expiredSupersededUpdates: 1, expiredDeclinedUpdates: 2, removedApprovals: 1, removedComputers: 0, prunedReportEvents: 0, prunedReportComputers: 0, ...NO_CONTENT });
      assert.deepEqual([...(run?.expiredUpdateIds ?? [])].sort(), [U(1), U(4), U(5)]);
      assert.deepEqual(await eventsOf('UpdateExpired'), []);
      assert.deepEqual(await approvals(U(1)), [ALL]);
      assert.deepEqual((await db.query('SELECT update_id FROM dep_declines ORDER BY 1')).rows, before.rows);
    });

    it('a run 31 days on: U1 (superseded by approved U2) and the declined U4 and U5 expire; U3 (replaced only by a declined update) and U6 (its replacement unapproved) stay', async () => {
      const run = await service.run({ trigger: 'manual', dryRun: false, slot: null }, admin, later(31));
      assert.deepEqual(run?.counts, { expiredSupersededUpdates: 1, expiredDeclinedUpdates: 2, removedApprovals: 1, removedComputers: 0, prunedReportEvents: 0, prunedReportComputers: 0, ...NO_CONTENT });
      const expired = (await eventsOf('UpdateExpired')) as { updateId: string; reason: string; runId: string }[];
      assert.deepEqual(expired.map((e) => [e.updateId, e.reason]).sort(), [[U(1), 'superseded'], [U(4), 'declined'], [U(5), 'declined']]);
      assert.ok(expired.every((e) => e.runId === run?.id));
      assert.deepEqual(await approvals(U(1)), []);
      assert.deepEqual(await approvals(U(6)), [ALL]);
      const declined = (await db.query<{ update_id: string }>('SELECT update_id FROM dep_declines ORDER BY 1')).rows.map((r) => r.update_id);
      assert.deepEqual(declined, [U(1), U(4), U(5)]);
      await assert.rejects(approve(U(1)), (e: unknown) => e instanceof CodedError && e.code === 'UPDATE.EXPIRED');
      await assert.rejects(commands.execute({ type: 'UndeclineUpdate', updateId: U(5) }, ctx()), (e: unknown) => e instanceof CodedError && e.code === 'UPDATE.EXPIRED');
      // Run again: nothing is expired twice.
      const again = await service.run({ trigger: 'manual', dryRun: false, slot: null }, admin, later(31));
      assert.deepEqual(again?.counts, { expiredSupersededUpdates: 0, expiredDeclinedUpdates: 0, removedApprovals: 0, removedComputers: 0, prunedReportEvents: 0, prunedReportComputers: 0, ...NO_CONTENT });
    });

    it('history: every run, newest first, and one by id; an unknown id is CLEANUP.RUN_NOT_FOUND', async () => {
      const runs = await service.runs();
      assert.equal(runs.length, 4);
      assert.deepEqual(runs.map((r) => r.dryRun), [false, false, true, false]);
      assert.ok(runs.every((r) => r.status === 'completed-with-errors' && r.trigger === 'manual' && r.startedBy === 'admin:test'));
      assert.equal((await service.runById(runs[1]!.id)).counts.expiredDeclinedUpdates, 2);
      await assert.rejects(service.runById(crypto.randomUUID()), (e: unknown) => e instanceof CodedError && e.code === 'CLEANUP.RUN_NOT_FOUND');
    });

    it('while a run of another replica holds the claim, a run is CLEANUP.ALREADY_RUNNING and nothing is written', async () => {
      const runId = crypto.randomUUID();
      const settings = (await queries.configuration()).retention;
      const history = await store.readStream('cleanup-runs');
      await store.append('cleanup-runs', [newEvent(ctx('admin:other'), 'CleanupRunStarted', 1, { runId, trigger: 'manual', dryRun: false, slot: null, settings })], history.version);
      await assert.rejects(service.run({ trigger: 'manual', dryRun: false, slot: null }, admin), (e: unknown) => e instanceof CodedError && e.code === 'CLEANUP.ALREADY_RUNNING');
      assert.equal((await store.readStream('cleanup-runs')).version, history.version + 1n);
      assert.equal((await service.runs())[0]?.status, 'running');
      const counts = { expiredSupersededUpdates: 0, expiredDeclinedUpdates: 0, removedApprovals: 0, removedComputers: 0 };
      await store.append('cleanup-runs', [newEvent(ctx('admin:other'), 'CleanupRunCompleted', 1, { runId, dryRun: false, outcome: 'completed', counts, expiredUpdateIds: [] })], 'any');
    });

    it('two runs at once (two replicas on PostgreSQL): never overlapping; the loser is CLEANUP.ALREADY_RUNNING', async () => {
      let otherStore: EventStore | undefined;
      let otherCommands: DeploymentCommandService | undefined;
      let other = service;
      if (target.twoInstances) {
        otherStore = await EventStore.open(await second!(), { registry: registry(), migrations: DEPLOYMENT_MIGRATIONS });
        otherCommands = new DeploymentCommandService(otherStore, silent);
        await otherCommands.onModuleInit();
        other = new CleanupService(otherStore, otherCommands, silent, withoutReporting());
      }
      try {
        const results = await Promise.allSettled([
          service.run({ trigger: 'manual', dryRun: false, slot: null }, admin),
          other.run({ trigger: 'manual', dryRun: false, slot: null }, admin),
        ]);
        const ok = results.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
        const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        assert.ok(ok.length >= 1, JSON.stringify(results));
        for (const r of refused) assert.ok(r.reason instanceof CodedError && r.reason.code === 'CLEANUP.ALREADY_RUNNING', String(r.reason));
        // Had both run, the second must have started after the first finished (its claim was free).
        if (ok.length === 2) {
          const [a, b] = ok.sort((x, y) => x.startedAt.localeCompare(y.startedAt));
          assert.ok(a!.finishedAt !== null && b!.startedAt >= a!.finishedAt, JSON.stringify(ok));
        }
      } finally {
        await otherCommands?.onModuleDestroy();
        await otherStore?.close();
      }
    });

    it('the schedule: one run per slot, whichever process ticks and however often', async () => {
      // The retention schedule was set to daily 02:15 above.
      const tick = new Date('2031-03-04T02:20:00.000Z');
      const first = await service.runDueSlot(tick);
      assert.equal(first?.trigger, 'schedule');
      assert.equal(first?.slot, '2031-03-04T02:15:00.000Z');
      assert.equal(first?.startedBy, 'system:cleanup-scheduler');
      // A restarted process (a new service on the same store) ticking in the same slot runs nothing.
      const restarted = new CleanupService(store, commands, silent, withoutReporting());
      assert.equal(await restarted.runDueSlot(new Date('2031-03-04T02:40:00.000Z')), null);
      assert.equal(await service.runDueSlot(tick), null);
      // Outside the slot's hour nothing is due; the next night's slot runs.
      assert.equal(await service.runDueSlot(new Date('2031-03-04T12:00:00.000Z')), null);
      assert.equal((await service.runDueSlot(new Date('2031-03-05T02:15:00.000Z')))?.slot, '2031-03-05T02:15:00.000Z');
      const scheduled = (await service.runs()).filter((r) => r.trigger === 'schedule');
      assert.deepEqual(scheduled.map((r) => r.slot), ['2031-03-05T02:15:00.000Z', '2031-03-04T02:15:00.000Z']);
    });
  });
}
