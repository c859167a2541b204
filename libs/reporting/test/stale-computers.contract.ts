import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type CausationContext, ComputerRegistered, computerStream, newEvent } from '#contracts';
import type { EventStore, ProjectionRunner } from '#event-store';
import { removeStaleComputers, statusProjection } from '#reporting';
import { ComputerListQuery, readComputerList } from '../src/computer-list/computer-list.query.js';
import { assignGroups, clientEvent, importUpdate, openReportingStore, register, registration, report } from './reporting-fixtures.js';
import type { ProjectionTarget } from './status-projection.contract.js';

const DAY = 86_400_000;
const U1 = 'a5555555-5555-4555-8555-555555555555';
const G1 = 'b5555555-5555-4555-8555-555555555555';
const at = (msAgo: number): CausationContext => ({
  correlationId: randomUUID(), causationId: null, traceparent: null, actor: 'test', now: () => new Date(Date.now() - msAgo), newId: randomUUID,
});
const cleanupCtx = at(0);

/** Stale-computer removal (asked by a cleanup run), held equal on PGlite and PostgreSQL. */
export function staleComputersContract(target: ProjectionTarget): void {
  describe(`stale computers removed by cleanup on ${target.name}`, { skip: target.skip }, () => {
    let store: EventStore;
    let runner: ProjectionRunner;
    let cleanup: () => Promise<void>;
    const computers = async (): Promise<string[]> => (await readComputerList(store.db, ComputerListQuery.parse({ limit: 100 }))).computers.map((c) => c.computerId).sort();
    const registerAt = (computerId: string, msAgo: number): Promise<unknown> =>
      store.append(computerStream(computerId), [newEvent(at(msAgo), ComputerRegistered.type, 1, registration(computerId, `${computerId}.lab`))], 'any');
    const reportAt = (computerId: string, msAgo: number): Promise<unknown> => {
      const data = clientEvent(computerId, { eventId: 184, at: Date.now() - msAgo, updateId: U1 });
      const e = newEvent(at(msAgo), 'ClientEventReported', 1, data);
      return store.append(computerStream(computerId), [{ ...e, metadata: { ...e.metadata, messageId: data.eventInstanceId } }], 'any');
    };
    const sync = async (): Promise<void> => {
      await store.waitForVisibility();
      await runner.catchUp();
    };
    const cutoff = (): string => new Date(Date.now() - 30 * DAY).toISOString();

    before(async () => {
      const opened = await target.open();
      cleanup = opened.cleanup;
      store = await openReportingStore(opened.db);
      runner = store.projectionRunner(statusProjection, { batchSize: 50 });
      await importUpdate(store, U1, 'Update 1');
      await registerAt('old', 40 * DAY); // registered 40 days ago, reported 35 days ago: stale
      await reportAt('old', 35 * DAY);
      await assignGroups(store, 'old', [G1]);
      await registerAt('back', 40 * DAY); // registered long ago, reported yesterday: kept
      await reportAt('back', DAY);
      await register(store, 'new', 'new.lab');
      await report(store, 'new', { eventId: 184, at: Date.now(), updateId: U1 });
      await sync();
    });
    after(async () => {
      await store?.close();
      await cleanup?.();
    });

    it('a dry run lists the computers silent for 30 days and changes nothing', async () => {
      const reply = await removeStaleComputers(store, { runId: randomUUID(), contactBefore: cutoff(), dryRun: true }, cleanupCtx);
      assert.deepEqual(reply.computerIds, ['old']);
      assert.equal((await store.readStream(computerStream('old'))).events.at(-1)?.type, 'ClientEventReported');
      assert.deepEqual(await computers(), ['back', 'new', 'old']);
    });

    it('a run removes them: ComputerRemoved on the computer stream; gone from the computer list, statuses and groups', async () => {
      const runId = randomUUID();
      const reply = await removeStaleComputers(store, { runId, contactBefore: cutoff(), dryRun: false }, cleanupCtx);
      assert.deepEqual(reply.computerIds, ['old']);
      const last = (await store.readStream(computerStream('old'))).events.at(-1)!;
      assert.equal(last.type, 'ComputerRemoved');
      assert.deepEqual({ ...(last.data as object) }, { computerId: 'old', reason: 'stale', lastContactAt: (await store.readStream(computerStream('old'))).events.at(-2)!.metadata.occurredAt, runId });
      await sync();
      assert.deepEqual(await computers(), ['back', 'new']);
      for (const table of ['rpt_update_status', 'rpt_group_members', 'rpt_computers']) {
        assert.equal((await store.db.query(`SELECT 1 FROM ${table} WHERE computer_id = 'old'`)).rows.length, 0, table);
      }
      assert.equal((await store.db.query("SELECT 1 FROM rpt_update_status WHERE computer_id = 'new'")).rows.length, 1);
      // A second run finds nothing more.
      assert.deepEqual((await removeStaleComputers(store, { runId: randomUUID(), contactBefore: cutoff(), dryRun: false }, cleanupCtx)).computerIds, []);
    });

    it('the log decides, not a lagging projection: a computer that reported a moment ago is kept', async () => {
      await registerAt('busy', 50 * DAY);
      await sync();
      await reportAt('busy', 0); // not projected yet: the projection still says 50 days
      const reply = await removeStaleComputers(store, { runId: randomUUID(), contactBefore: cutoff(), dryRun: false }, cleanupCtx);
      assert.deepEqual(reply.computerIds, []);
      assert.equal((await store.readStream(computerStream('busy'))).events.at(-1)?.type, 'ClientEventReported');
    });

    it('a removed computer that comes back registers anew; a replay from zero gives the same tables', async () => {
      await register(store, 'old', 'old.lab');
      await sync();
      assert.deepEqual(await computers(), ['back', 'busy', 'new', 'old']);
      const before = (await store.db.query('SELECT computer_id, last_contact_at FROM rpt_computers ORDER BY 1')).rows;
      await runner.rebuild();
      assert.deepEqual((await store.db.query('SELECT computer_id, last_contact_at FROM rpt_computers ORDER BY 1')).rows, before);
    });

    it('bad requests are refused with REQUEST.INVALID', async () => {
      await assert.rejects(removeStaleComputers(store, { runId: 'x', contactBefore: cutoff(), dryRun: false }, cleanupCtx), { code: 'REQUEST.INVALID' });
      await assert.rejects(removeStaleComputers(store, { runId: randomUUID(), contactBefore: 'yesterday', dryRun: false }, cleanupCtx), { code: 'REQUEST.INVALID' });
    });
  });
}
