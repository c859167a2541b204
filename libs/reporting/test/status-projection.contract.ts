import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { ALL_COMPUTERS_GROUP_ID, ClientEventReported, ComputerRemoved, computerStream, newEvent, type RecordedEvent, UNASSIGNED_COMPUTERS_GROUP_ID } from '#contracts';
import type { EventStore, ProjectionRunner, SqlDatabase } from '#event-store';
import { statusProjection } from '#reporting';
import { readComputerList } from '../src/computer-list/computer-list.query.js';
import { readComputerReport } from '../src/computer-report/computer-report.query.js';
import { readGroupCompliance } from '../src/group-compliance/group-compliance.query.js';
import { type ClientEventFacts, type ComputerReportState, deriveStatus, EMPTY_COMPUTER_STATE, evolveComputer } from '../src/domain/computer-status.js';
import { countStatuses, EMPTY_COUNTS, statusFromCode } from '../src/domain/update-status.js';
import { readUpdateStatusReport } from '../src/update-status-report/update-status-report.query.js';
import { RECOUNT_SQL } from '../src/status-projection/update-counts.js';
import { assignGroups, ctx, declineUpdate, deleteGroup, importUpdate, openReportingStore, register, report, seededRandom } from './reporting-fixtures.js';

export interface ProjectionTarget {
  readonly name: string;
  readonly skip: false | string;
  open(): Promise<{ db: SqlDatabase; cleanup(): Promise<void> }>;
}

const U1 = 'a1111111-1111-4111-8111-111111111111';
const U2 = 'a2222222-2222-4222-8222-222222222222';
const U3 = 'a3333333-3333-4333-8333-333333333333';
const CAT = 'a4444444-4444-4444-8444-444444444444';
const G1 = 'b1111111-1111-4111-8111-111111111111';
const G2 = 'b2222222-2222-4222-8222-222222222222';

/** The reporting projection and its queries, held equal on PGlite and PostgreSQL. */
export function statusProjectionContract(target: ProjectionTarget): void {
  describe(`reporting status projection on ${target.name}`, { skip: target.skip }, () => {
    let store: EventStore;
    let runner: ProjectionRunner;
    let cleanup: () => Promise<void>;

    before(async () => {
      const opened = await target.open();
      cleanup = opened.cleanup;
      store = await openReportingStore(opened.db);
      runner = store.projectionRunner(statusProjection, { batchSize: 50 });
    });
    after(async () => {
      await store?.close();
      await cleanup?.();
    });

    it('derives per-computer and per-update statuses, by group, from registrations, client events and the catalog', async () => {
      for (const [id, title] of [[U1, 'Update 1'], [U2, 'Update 2'], [U3, 'Update 3']] as const) await importUpdate(store, id, title);
      await importUpdate(store, CAT, 'A product', 'Category');
      await declineUpdate(store, U3);
      await register(store, 'c1', 'pc-b.lab');
      await register(store, 'c2', 'pc-a.lab');
      await register(store, 'c3', 'pc-c.lab');
      await assignGroups(store, 'c1', [G1]);
      await assignGroups(store, 'c2', [G2]);
      await assignGroups(store, 'c2', [G1, G2, ALL_COMPUTERS_GROUP_ID]); // the latest assignment replaces the first
      // Clients report after the updates arrived (a snapshot older than an update cannot have seen it).
      await new Promise((r) => setTimeout(r, 100));
      const now = Date.now();
      await report(store, 'c1', { eventId: 147, at: now - 50 }, { eventId: 156, at: now - 40, miscData: [`U=${U1}`, `V=${U2}`] });
      await report(store, 'c1', { eventId: 181, at: now - 20, updateId: U1 }, { eventId: 183, at: now - 10, updateId: U1 });
      await report(store, 'c2', { eventId: 156, at: now - 40, miscData: [`g=${U1}`] });
      await report(store, 'c3', { eventId: 184, at: now - 40, updateId: U2 });
      await report(store, 'c4', { eventId: 148, at: now - 40 }); // reports without ever registering
      await store.waitForVisibility();
      await runner.catchUp();

      const u1 = await readUpdateStatusReport(store.db, { updateId: U1, byGroup: true });
      assert.equal(u1.inCatalog, true);
      assert.equal(u1.title, 'Update 1');
      assert.deepEqual(u1.counts, { ...EMPTY_COUNTS, installed: 1, failed: 1, noStatus: 2 });
      assert.deepEqual(u1.groups, [
        { groupId: ALL_COMPUTERS_GROUP_ID, counts: u1.counts },
        { groupId: G1, counts: { ...EMPTY_COUNTS, installed: 1, failed: 1 } },
        { groupId: G2, counts: { ...EMPTY_COUNTS, failed: 1 } },
        { groupId: UNASSIGNED_COMPUTERS_GROUP_ID, counts: { ...EMPTY_COUNTS, noStatus: 2 } },
      ]);
      const u2 = await readUpdateStatusReport(store.db, { updateId: U2 });
      assert.deepEqual(u2.counts, { ...EMPTY_COUNTS, installed: 1, notApplicable: 1, installedPendingReboot: 1, noStatus: 1 });
      assert.equal(u2.groups, undefined);
      const u2g1 = await readUpdateStatusReport(store.db, { updateId: U2, groupId: G1 });
      assert.deepEqual(u2g1.counts, { ...EMPTY_COUNTS, installed: 1, notApplicable: 1 });
      const u2unassigned = await readUpdateStatusReport(store.db, { updateId: U2, groupId: UNASSIGNED_COMPUTERS_GROUP_ID });
      assert.deepEqual(u2unassigned.counts, { ...EMPTY_COUNTS, installedPendingReboot: 1, noStatus: 1 });
      const unknown = await readUpdateStatusReport(store.db, { updateId: 'ffffffff-ffff-4fff-8fff-ffffffffffff' });
      assert.equal(unknown.inCatalog, false);
      assert.deepEqual(unknown.counts, { ...EMPTY_COUNTS, noStatus: 4 });

      const c1 = await readComputerReport(store.db, 'c1');
      assert.equal(c1.computer.dnsName, 'pc-b.lab');
      assert.equal(c1.computer.os.buildNumber, 26100);
      assert.equal(c1.computer.lastScanResult, 'succeeded');
      assert.equal(c1.computer.lastScanAt, new Date(now - 50).toISOString());
      assert.equal(c1.computer.lastStatusReportAt, new Date(now - 40).toISOString());
      assert.ok(c1.computer.lastReportedAt !== null);
      assert.deepEqual(c1.computer.groupIds, [G1]);
      assert.deepEqual(
        c1.updates.map((u) => [u.updateId, u.title, u.status, u.eventId, u.revisionNumber]),
        [
          [U1, 'Update 1', 'installed', 183, 200],
          [U2, 'Update 2', 'installed', 156, null],
        ],
      );
      // U3 is declined and CAT is a category: neither counts in the computer's summary.
      assert.deepEqual(c1.summary, { ...EMPTY_COUNTS, installed: 2 });
      const c2 = await readComputerReport(store.db, 'c2');
      assert.deepEqual(c2.summary, { ...EMPTY_COUNTS, failed: 1, notApplicable: 1 });
      assert.deepEqual(c2.computer.groupIds, [G1, G2].sort());
      const c4 = await readComputerReport(store.db, 'c4');
      assert.equal(c4.computer.dnsName, null);
      assert.equal(c4.computer.lastScanResult, 'failed');
      assert.deepEqual(c4.summary, { ...EMPTY_COUNTS, noStatus: 2 });
      await assert.rejects(readComputerReport(store.db, 'nobody'), { code: 'COMPUTER.NOT_FOUND' });

      const page1 = await readComputerList(store.db, { limit: 2 });
      assert.equal(page1.total, 4);
      assert.deepEqual(page1.computers.map((c) => c.computerId), ['c4', 'c2']);
      assert.deepEqual(
        page1.computers.map((c) => [c.installed, c.needed, c.failed, c.installedPendingReboot]),
        [[0, 0, 0, 0], [0, 0, 1, 0]],
      );
      assert.ok(page1.next);
      const page2 = await readComputerList(store.db, { limit: 2, after: page1.next });
      assert.deepEqual(page2.computers.map((c) => c.computerId), ['c1', 'c3']);
      assert.equal(page2.next, null);
      assert.deepEqual((await readComputerList(store.db, { groupId: G1 })).computers.map((c) => c.computerId), ['c2', 'c1']);
      assert.deepEqual((await readComputerList(store.db, { groupId: UNASSIGNED_COMPUTERS_GROUP_ID })).computers.map((c) => c.computerId), ['c4', 'c3']);
      assert.deepEqual((await readComputerList(store.db, { search: 'PC-A' })).computers.map((c) => c.computerId), ['c2']);
      await assert.rejects(readComputerList(store.db, { after: 'garbage' }), { code: 'REQUEST.INVALID' });

      // Compliance: c1 and c4 have nothing open; c2 failed U1 (in G1 and G2); c3 awaits a reboot (unassigned).
      const compliance = new Map((await readGroupCompliance(store.db)).map((g) => [g.groupId, [g.computers, g.compliant, g.withFailures, g.needingReboot]]));
      assert.deepEqual(compliance.get(ALL_COMPUTERS_GROUP_ID), [4, 2, 1, 1]);
      assert.deepEqual(compliance.get(UNASSIGNED_COMPUTERS_GROUP_ID), [2, 1, 0, 1]);
    });

    it('matches the pure derivation for random client events in random order, and a rebuild from zero gives the same tables', async () => {
      const random = seededRandom(20261125);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
      const updates = Array.from({ length: 6 }, (_, i) => `c${i}c00000-0000-4000-8000-00000000000${i}`);
      for (const u of updates) await importUpdate(store, u, `random ${u}`);
      const computers = ['r1', 'r2', 'r3', 'r4'];
      const t0 = Date.now();
      const ids = [156, 156, 183, 182, 184, 191, 162, 161, 202, 222, 147, 148, 181, 167];
      for (let batch = 0; batch < 40; batch += 1) {
        // Group moves in between (the per-update counters follow the computer's groups).
        if (batch === 10) await assignGroups(store, 'r1', [G1]);
        if (batch === 15) await assignGroups(store, 'r2', [G1, G2]);
        if (batch === 25) await assignGroups(store, 'r1', [G2]);
        const computer = pick(computers);
        const specs = Array.from({ length: 1 + Math.floor(random() * 5) }, () => {
          const eventId = pick(ids);
          // Mostly within the last 30 minutes, sometimes "in the future" (clamped to the store time),
          // sometimes on the same second as another event (ties go to log order).
          const at = random() < 0.1 ? t0 + 3_600_000 : t0 - Math.floor(random() * 30) * 60_000;
          const lists = ['U', 'V', 'W', 'g', 'h'].map((tag) => `${tag}=${updates.filter(() => random() < 0.2).join(';')}`);
          return { eventId, at, updateId: eventId === 156 || eventId === 202 || eventId === 147 || eventId === 148 ? null : pick(updates), miscData: eventId === 156 ? lists : ['A=0'] };
        });
        await report(store, computer, ...specs);
        if (random() < 0.3) await runner.processBatch(); // apply in several batches, as live (partial is fine here)
      }
      await store.waitForVisibility();
      await runner.catchUp();

      // The pure model, fed the same events in log order with the store's recordedAt.
      const models = new Map<string, ComputerReportState>();
      const events: RecordedEvent[] = [];
      for (let after = undefined as RecordedEvent | undefined; ; ) {
        const page = await store.readAll(after?.position, { eventTypes: [ClientEventReported.type], streamPrefix: 'computer-r' });
        events.push(...page.events);
        if (page.events.length === 0) break;
        after = page.events[page.events.length - 1];
      }
      for (const e of events) {
        const data = e.data as ClientEventFacts & { computerId: string };
        models.set(data.computerId, evolveComputer(models.get(data.computerId) ?? EMPTY_COMPUTER_STATE, { data, recordedAt: e.recordedAt }));
      }

      const dump = async (): Promise<string> => {
        const rows = await store.db.query<{ computer_id: string; update_id: string; status: number; status_at: Date; event_id: number }>(
          `SELECT computer_id, update_id::text AS update_id, status, status_at, event_id FROM rpt_update_status
            WHERE computer_id LIKE 'r%' ORDER BY computer_id, update_id`,
        );
        const comps = await store.db.query<{
          computer_id: string; last_status_at: Date | null; last_reboot_at: Date | null; last_scan_at: Date | null; last_scan_result: string | null; last_reported_at: Date | null;
          installed_count: number; needed_count: number; failed_count: number; pending_reboot_count: number; open_count: number;
        }>(
          `SELECT computer_id, last_status_at, last_reboot_at, last_scan_at, last_scan_result, last_reported_at,
                  installed_count, needed_count, failed_count, pending_reboot_count, open_count
             FROM rpt_computers WHERE computer_id LIKE 'r%' ORDER BY computer_id`,
        );
        const t = (d: Date | null): number | null => (d === null ? null : new Date(d).getTime());
        return JSON.stringify({
          rows: rows.rows.map((r) => [r.computer_id, r.update_id, statusFromCode(r.status), t(r.status_at), r.event_id]),
          computers: comps.rows.map((c) => [
            c.computer_id, t(c.last_status_at), t(c.last_reboot_at), t(c.last_scan_at), c.last_scan_result, t(c.last_reported_at),
            [c.installed_count, c.needed_count, c.failed_count, c.pending_reboot_count, c.open_count],
          ]),
        });
      };
      const expected = JSON.stringify({
        rows: [...models.keys()].sort().flatMap((c) =>
          [...models.get(c)!.rows.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([u, r]) => [c, u, r.status, r.at, r.eventId]),
        ),
        computers: [...models.keys()].sort().map((c) => {
          const m = models.get(c)!;
          // The counters the projection keeps: every random update is in the catalog and not declined.
          const n = (...statuses: string[]): number => [...m.rows.values()].filter((r) => statuses.includes(r.status)).length;
          const counters = [n('installed'), n('needed', 'downloaded'), n('failed'), n('installed-pending-reboot'), n('needed', 'downloaded', 'failed', 'installed-pending-reboot')];
          return [c, m.lastStatusAt, m.lastRebootAt, m.lastScanAt, m.lastScanResult, m.lastReportedAt, counters];
        }),
      });
      const before = await dump();
      assert.equal(before, expected);
      await assertCountersMatchRows(store.db);
      assert.ok(JSON.parse(before).rows.length > 5, 'the random run produced statuses');

      // Per-update counts from SQL equal the pure deriveStatus over the same computers.
      const arrivals = await store.db.query<{ update_id: string; arrived_at: Date }>('SELECT update_id::text AS update_id, arrived_at FROM rpt_updates');
      const arrivedAt = new Map(arrivals.rows.map((r) => [r.update_id, new Date(r.arrived_at).getTime()]));
      const allComputers = (await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM rpt_computers')).rows[0]!.n;
      for (const u of updates) {
        const derived = countStatuses([...models.values()].map((m) => deriveStatus(m.rows.get(u), m.lastStatusAt, arrivedAt.get(u) ?? null)));
        // The first test's computers scanned before these updates arrived: no status for them.
        const others = allComputers - models.size;
        const sql = await readUpdateStatusReport(store.db, { updateId: u });
        assert.deepEqual(sql.counts, { ...derived, noStatus: derived.noStatus + others }, `counts of ${u}`);
      }

      await store.waitForVisibility();
      await runner.rebuild();
      assert.equal(await dump(), before, 'replaying the log from position zero gives the same tables');
      await assertCountersMatchRows(store.db);

      // Batching must not change an answer (the runner hands the projection whole batches, applied
      // set-based in layers: computer-events.ts). The whole log in one batch puts each computer's
      // snapshots and the status events after them, its reboots, and the group moves of r1 and r2 in
      // between, into one run; one event per batch is the per-event order.
      const countersDump = async (): Promise<string> =>
        JSON.stringify(
          (await store.db.query(`SELECT update_id::text AS u, group_id::text AS g, installed, needed, downloaded, failed, pending_reboot, covered
                                   FROM rpt_update_counts WHERE installed <> 0 OR needed <> 0 OR downloaded <> 0 OR failed <> 0 OR pending_reboot <> 0 OR covered <> 0
                                  ORDER BY 1, 2`)).rows,
        );
      const counters = await countersDump();
      for (const batchSize of [10_000, 1]) {
        await store.projectionRunner(statusProjection, { batchSize }).rebuild();
        assert.equal(await dump(), before, `a rebuild in batches of ${batchSize} gives the same tables`);
        assert.equal(await countersDump(), counters, `a rebuild in batches of ${batchSize} gives the same per-update counters`);
        await assertCountersMatchRows(store.db);
      }

      // Open work leaves the counters with a decline and comes back with the undecline.
      const openCounts = async (): Promise<{ kept: number[]; recounted: number[] }> => {
        const r = await store.db.query<{ kept: number; recounted: number }>(
          `SELECT c.open_count AS kept,
                  (SELECT count(*)::int FROM rpt_update_status s JOIN rpt_updates u ON u.update_id = s.update_id
                    WHERE s.computer_id = c.computer_id AND s.status IN (2, 3, 5, 6) AND NOT u.declined) AS recounted
             FROM rpt_computers c WHERE c.computer_id LIKE 'r%' ORDER BY c.computer_id`,
        );
        return { kept: r.rows.map((x) => x.kept), recounted: r.rows.map((x) => x.recounted) };
      };
      const openBefore = await openCounts();
      const busiest = updates.find((u) => [...models.values()].some((m) => ['needed', 'downloaded', 'failed', 'installed-pending-reboot'].includes(m.rows.get(u)?.status ?? '')))!;
      await declineUpdate(store, busiest);
      await store.waitForVisibility();
      await runner.catchUp();
      const declined = await openCounts();
      assert.deepEqual(declined.kept, declined.recounted, 'open work after a decline');
      assert.notDeepEqual(declined.kept, openBefore.kept, 'the decline removed open work');
      await declineUpdate(store, busiest, false);
      await store.waitForVisibility();
      await runner.catchUp();
      assert.deepEqual((await openCounts()).kept, openBefore.kept, 'the undecline restored it');

      // A deleted group's members that were in no other group count in Unassigned Computers.
      await deleteGroup(store, G2);
      await store.waitForVisibility();
      await runner.catchUp();
      await assertCountersMatchRows(store.db);
      const u = updates[0]!;
      const unassigned = await readUpdateStatusReport(store.db, { updateId: u, byGroup: true });
      assert.ok(!unassigned.groups!.some((g) => g.groupId === G2), 'the deleted group is gone from the breakdown');

      // A removed (stale) computer's statuses leave the counters of its groups.
      await store.append(computerStream('r1'), [newEvent(ctx(), ComputerRemoved.type, 1, { computerId: 'r1', reason: 'stale', lastContactAt: null, runId: randomUUID() })], 'any');
      await store.waitForVisibility();
      await runner.catchUp();
      await assertCountersMatchRows(store.db);
    });
  });
}

/** The per-update counters the projection keeps by difference equal a recount from the status rows. */
async function assertCountersMatchRows(db: SqlDatabase): Promise<void> {
  const kept = await db.query<Record<string, unknown>>(
    `SELECT update_id::text AS u, group_id::text AS g, installed, needed, downloaded, failed, pending_reboot, covered FROM rpt_update_counts
      WHERE installed <> 0 OR needed <> 0 OR downloaded <> 0 OR failed <> 0 OR pending_reboot <> 0 OR covered <> 0 ORDER BY 1, 2`,
  );
  const recounted = await db.query<Record<string, unknown>>(
    `SELECT update_id::text AS u, group_id::text AS g, installed, needed, downloaded, failed, pending_reboot, covered FROM (${RECOUNT_SQL('')}) x ORDER BY 1, 2`,
  );
  assert.ok(recounted.rows.length > 0, 'there are counters to compare');
  assert.deepEqual(kept.rows, recounted.rows, 'per-update counters equal a recount from the rows');
}
