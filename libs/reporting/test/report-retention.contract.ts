import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type CausationContext, ClientEventReported, type RecordedEvent, ComputerRegistered, computerStream, newEvent, type NewEvent, REPORT_RETENTION_STREAM } from '#contracts';
import type { EventStore, ProjectionRunner } from '#event-store';
import { pruneReportEvents, removeStaleComputers, statusProjection } from '#reporting';
import { ComputerListQuery, readComputerList } from '../src/computer-list/computer-list.query.js';
import { readComputerReport } from '../src/computer-report/computer-report.query.js';
import { readGroupCompliance } from '../src/group-compliance/group-compliance.query.js';
import { readUpdateStatusReport } from '../src/update-status-report/update-status-report.query.js';
import { type ClientEventFacts, type ComputerReportState, EMPTY_COMPUTER_STATE, evolveComputer } from '../src/domain/computer-status.js';
import { statusFromCode } from '../src/domain/update-status.js';
import { assignGroups, type ClientEventSpec, clientEvent, importUpdate, openReportingStore, registration, report, seededRandom } from './reporting-fixtures.js';
import type { ProjectionTarget } from './status-projection.contract.js';

const DAY = 86_400_000;
const U1 = 'a6666666-6666-4666-8666-666666666661';
const U2 = 'a6666666-6666-4666-8666-666666666662';
const U3 = 'a6666666-6666-4666-8666-666666666663';
const G1 = 'b6666666-6666-4666-8666-666666666661';
const COMPUTERS = ['alpha', 'bravo', 'charlie', 'quiet'] as const;
const UPDATES = [U1, U2, U3] as const;

/** A context whose writer clock runs `msAgo` behind: events stamped (occurredAt) in the past. */
const at = (msAgo: number): CausationContext => ({
  correlationId: randomUUID(), causationId: null, traceparent: null, actor: 'test', now: () => new Date(Date.now() - msAgo), newId: randomUUID,
});

/** Report-event retention (asked by a cleanup run): old client events go, the reports stay the same. */
export function reportRetentionContract(target: ProjectionTarget): void {
  describe(`report-event retention on ${target.name}`, { skip: target.skip }, () => {
    let store: EventStore;
    let runner: ProjectionRunner;
    let cleanup: () => Promise<void>;
    const T0 = Date.now();
    /** Sent client events, by EventInstanceID, to resend one later. */
    const sent = new Map<string, NewEvent>();

    const registerAt = (computerId: string, msAgo: number): Promise<unknown> =>
      store.append(computerStream(computerId), [newEvent(at(msAgo), ComputerRegistered.type, 1, registration(computerId, `${computerId}.lab`))], 'any');
    /** Stored `msAgo` in the past (occurredAt); each spec's TimeAtTarget is its own. */
    const reportAt = async (computerId: string, msAgo: number, ...specs: ClientEventSpec[]): Promise<string[]> => {
      const events = specs.map((s) => {
        const data = clientEvent(computerId, s);
        const e = newEvent(at(msAgo), ClientEventReported.type, 1, data);
        const event = { ...e, metadata: { ...e.metadata, messageId: data.eventInstanceId } };
        sent.set(data.eventInstanceId, event);
        return event;
      });
      await store.append(computerStream(computerId), events, 'any', { skipDuplicateMessages: true });
      return events.map((e) => e.metadata.messageId);
    };
    const sync = async (): Promise<void> => {
      await store.waitForVisibility();
      await runner.catchUp();
    };
    /** Every report answer the API gives, for every computer and update. */
    const answers = async (): Promise<unknown> => ({
      computers: await Promise.all(COMPUTERS.map((c) => readComputerReport(store.db, c))),
      updates: await Promise.all(UPDATES.map((u) => readUpdateStatusReport(store.db, { updateId: u, byGroup: true }))),
      list: await readComputerList(store.db, ComputerListQuery.parse({ limit: 100 })),
      groups: await readGroupCompliance(store.db),
      lastContact: (await store.db.query('SELECT computer_id, last_contact_at FROM rpt_computers ORDER BY 1')).rows,
      // The counters the report queries read (kept incrementally by the projection): equal to a recount.
      computerCounters: (await store.db.query('SELECT computer_id, installed_count, needed_count, failed_count, pending_reboot_count, open_count FROM rpt_computers ORDER BY 1')).rows,
      updateCounters: (await store.db.query('SELECT * FROM rpt_update_counts ORDER BY update_id, group_id')).rows,
    });
    const typesOf = async (computerId: string): Promise<string[]> => (await store.readStream(computerStream(computerId))).events.map((e) => e.type);
    const cutoff = (days: number): string => new Date(Date.now() - days * DAY).toISOString();
    let ticks: { u1Installed: string; u1Failed: string } | undefined;
    let before90: unknown;

    before(async () => {
      const opened = await target.open();
      cleanup = opened.cleanup;
      store = await openReportingStore(opened.db);
      runner = store.projectionRunner(statusProjection, { batchSize: 50 });
      for (const u of UPDATES) await importUpdate(store, u, `Update ${u.slice(-1)}`);
      // alpha: a scan and a status snapshot 120 days ago, an install 100 days ago, a pending reboot today.
      await registerAt('alpha', 130 * DAY);
      await reportAt('alpha', 120 * DAY, { eventId: 147, at: T0 - 120 * DAY }, { eventId: 156, at: T0 - 120 * DAY + 1, miscData: [`U=${U1}`, `V=${U2}`] });
      await reportAt('alpha', 100 * DAY, { eventId: 183, at: T0 - 100 * DAY, updateId: U1 });
      await reportAt('alpha', 0, { eventId: 184, at: T0 - 1000, updateId: U3 });
      await assignGroups(store, 'alpha', [G1]);
      // bravo: only old events; two at the same TimeAtTarget (the later in the log wins: failed).
      await registerAt('bravo', 200 * DAY);
      const [u1Installed, u1Failed] = await reportAt('bravo', 95 * DAY, { eventId: 183, at: T0 - 95 * DAY, updateId: U1 }, { eventId: 182, at: T0 - 95 * DAY, updateId: U1 });
      ticks = { u1Installed: u1Installed!, u1Failed: u1Failed! };
      await reportAt('bravo', 94 * DAY, { eventId: 147, at: 'not a time' });
      // charlie: recent only; quiet: registered long ago, reported 20 days ago.
      await registerAt('charlie', DAY);
      await reportAt('charlie', 0, { eventId: 156, at: T0 - 500, miscData: [`g=${U2}`] });
      await registerAt('quiet', 300 * DAY);
      await reportAt('quiet', 20 * DAY, { eventId: 183, at: T0 - 20 * DAY, updateId: U2 });
      // gone: reported long ago, then removed as stale.
      await registerAt('gone', 400 * DAY);
      await reportAt('gone', 380 * DAY, { eventId: 183, at: T0 - 380 * DAY, updateId: U2 });
      await sync();
      await removeStaleComputers(store, { runId: randomUUID(), contactBefore: cutoff(300), dryRun: false }, at(0));
      await sync();
      before90 = await answers();
    });
    after(async () => {
      await store?.close();
      await cleanup?.();
    });

    it('a dry run counts the old client events per computer and deletes nothing', async () => {
      const streamsBefore = await Promise.all(['alpha', 'bravo', 'gone'].map(typesOf));
      const reply = await pruneReportEvents(store, { runId: randomUUID(), occurredBefore: cutoff(90), dryRun: true }, at(0));
      assert.deepEqual(reply, { computers: 3, deletedClientEvents: 3 + 3 + 1 });
      assert.deepEqual(await Promise.all(['alpha', 'bravo', 'gone'].map(typesOf)), streamsBefore);
      assert.equal((await store.readStream(REPORT_RETENTION_STREAM)).exists, false);
    });

    it('a run snapshots each computer, deletes its old client events (registrations, removals and newer events stay) and records ReportEventsPruned', async () => {
      const runId = randomUUID();
      const alphaVersion = (await store.readStream(computerStream('alpha'))).version;
      const reply = await pruneReportEvents(store, { runId, occurredBefore: cutoff(90), dryRun: false }, at(0));
      assert.deepEqual(reply, { computers: 3, deletedClientEvents: 7 });
      assert.deepEqual(await typesOf('alpha'), ['ComputerRegistered', 'ClientEventReported', 'ComputerStatusSnapshotted']);
      assert.deepEqual(await typesOf('bravo'), ['ComputerRegistered', 'ComputerStatusSnapshotted']);
      assert.deepEqual(await typesOf('gone'), ['ComputerRegistered', 'ComputerRemoved'], 'a removed computer needs no snapshot');
      assert.deepEqual(await typesOf('charlie'), ['ComputerRegistered', 'ClientEventReported'], 'nothing old: untouched');
      const alpha = await store.readStream(computerStream('alpha'));
      assert.equal(alpha.version, alphaVersion + 1n, 'the snapshot was appended at the version read');
      assert.equal((alpha.events.at(-1)!.data as { throughStreamPosition: number }).throughStreamPosition, Number(alphaVersion));
      const pruned = (await store.readStream(REPORT_RETENTION_STREAM)).events;
      assert.equal(pruned.length, 1);
      assert.deepEqual({ ...(pruned[0]!.data as object) }, { runId, occurredBefore: (pruned[0]!.data as { occurredBefore: string }).occurredBefore, computers: 3, deletedClientEvents: 7, deletedSnapshots: 0 });
      assert.equal((await pruneReportEvents(store, { runId: randomUUID(), occurredBefore: cutoff(90), dryRun: true }, at(0))).deletedClientEvents, 0, 'nothing left to prune');
    });

    it('the reports answer the same, live and after rebuilding the projection from the log', async () => {
      await sync();
      assert.deepEqual(await answers(), before90);
      await runner.rebuild();
      assert.deepEqual(await answers(), before90);
    });

    it('a client resending a pruned event (same EventInstanceID) does not bring it back as news', async () => {
      const bravoU1 = async (): Promise<string | undefined> => (await readComputerReport(store.db, 'bravo')).updates.find((u) => u.updateId === U1)?.status;
      assert.equal(await bravoU1(), 'failed');
      const resent = sent.get(ticks!.u1Installed)!;
      // As the record-events consumer does: skipDuplicateMessages finds no stored copy any more, so it is stored again.
      const result = await store.append(computerStream('bravo'), [{ ...resent, metadata: { ...resent.metadata, occurredAt: new Date().toISOString() } }], 'any', { skipDuplicateMessages: true });
      assert.equal(result.positions.length, 1);
      await sync();
      assert.equal(await bravoU1(), 'failed', 'the snapshot covers it: its TimeAtTarget is before the retention cutoff');
      const rebuilt = async (): Promise<unknown> => (await readComputerReport(store.db, 'bravo')).updates;
      const live = await rebuilt();
      await runner.rebuild();
      assert.deepEqual(await rebuilt(), live);
    });

    it('a second run supersedes the earlier snapshots; pruning everything still answers the same; a new event appends at the next version', async () => {
      await reportAt('quiet', 0, { eventId: 147, at: T0 - 100 });
      await sync();
      const expected = await answers();
      await new Promise((r) => setTimeout(r, 10));
      const everything = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 10));
      const reply = await pruneReportEvents(store, { runId: randomUUID(), occurredBefore: everything, dryRun: false }, at(0));
      assert.deepEqual(reply, { computers: 4, deletedClientEvents: 1 + 1 + 1 + 2 }, "alpha's 184, bravo's resent copy, charlie's 156, quiet's two");
      for (const c of COMPUTERS) assert.deepEqual(await typesOf(c), ['ComputerRegistered', 'ComputerStatusSnapshotted'], c);
      const last = (await store.readStream(REPORT_RETENTION_STREAM)).events.at(-1)!;
      assert.equal((last.data as { deletedSnapshots: number }).deletedSnapshots, 2, "alpha's and bravo's first snapshots");
      await sync();
      assert.deepEqual(await answers(), expected);
      await runner.rebuild();
      assert.deepEqual(await answers(), expected);
      const quietVersion = (await store.readStream(computerStream('quiet'))).version;
      await reportAt('quiet', 0, { eventId: 183, at: Date.now(), updateId: U1 });
      const quiet = await store.readStream(computerStream('quiet'));
      assert.equal(quiet.version, quietVersion + 1n);
      assert.equal(quiet.events.at(-1)!.streamPosition, quietVersion + 1n);
      await sync();
      assert.equal((await readComputerReport(store.db, 'quiet')).updates.find((u) => u.updateId === U1)?.status, 'installed', 'a new event after the snapshot counts');
    });

    it('stale-computer cleanup reads the last contact a snapshot carries: a computer whose reports were pruned is not stale', async () => {
      await registerAt('silent', 300 * DAY);
      await sync(); // the projection says 300 days: a candidate, which the log must clear
      await reportAt('silent', 20 * DAY, { eventId: 147, at: Date.now() - 20 * DAY });
      await pruneReportEvents(store, { runId: randomUUID(), occurredBefore: cutoff(10), dryRun: false }, at(0));
      assert.deepEqual(await typesOf('silent'), ['ComputerRegistered', 'ComputerStatusSnapshotted']);
      const reply = await removeStaleComputers(store, { runId: randomUUID(), contactBefore: cutoff(30), dryRun: true }, at(0));
      assert.ok(!reply.computerIds.includes('silent'), `silent contacted the server 20 days ago: ${reply.computerIds.join(',')}`);
    });

    it('random client events, pruned midway: live and rebuilt, the projection equals the pure derivation of every event ever sent', async () => {
      const random = seededRandom(20261126);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
      const updates = Array.from({ length: 5 }, (_, i) => `d${i}d00000-0000-4000-8000-00000000000${i}`);
      for (const u of updates) await importUpdate(store, u, `random ${u}`);
      const computers = ['r1', 'r2', 'r3'];
      const ids = [156, 183, 182, 184, 162, 161, 202, 222, 147, 148, 181];
      const t0 = Date.now();
      const batch = async (at: () => number): Promise<void> => {
        const specs = Array.from({ length: 1 + Math.floor(random() * 4) }, () => {
          const eventId = pick(ids);
          const lists = ['U', 'V', 'W', 'g', 'h'].map((tag) => `${tag}=${updates.filter(() => random() < 0.25).join(';')}`);
          return { eventId, at: at(), updateId: [156, 202, 147, 148].includes(eventId) ? null : pick(updates), miscData: eventId === 156 ? lists : ['A=0'] };
        });
        await report(store, pick(computers), ...specs);
      };
      const clientEvents = async (): Promise<RecordedEvent[]> => {
        await store.waitForVisibility();
        const events: RecordedEvent[] = [];
        for (let after: RecordedEvent | undefined; ; ) {
          const page = await store.readAll(after?.position, { eventTypes: [ClientEventReported.type], streamPrefix: 'computer-r' });
          if (page.events.length === 0) return events;
          events.push(...page.events);
          after = page.events.at(-1);
        }
      };
      // Before the prune: any time in the last hour (ties and disorder included).
      for (let i = 0; i < 25; i += 1) await batch(() => t0 - Math.floor(random() * 60) * 60_000);
      const pruned = await clientEvents();
      await new Promise((r) => setTimeout(r, 10));
      const cutoffAt = Date.now();
      await new Promise((r) => setTimeout(r, 10));
      const reply = await pruneReportEvents(store, { runId: randomUUID(), occurredBefore: new Date(cutoffAt).toISOString(), dryRun: false }, at(0));
      assert.ok(reply.deletedClientEvents >= pruned.length);
      assert.deepEqual(await clientEvents(), [], 'every client event of r1..r3 was pruned');
      // After it: events counting from the cutoff on (a client's new events), in any order among themselves.
      for (let i = 0; i < 6; i += 1) await batch(() => cutoffAt + Math.floor(random() * 50));
      const kept = await clientEvents();
      assert.ok(kept.length > 0);

      const models = new Map<string, ComputerReportState>();
      for (const e of [...pruned, ...kept]) {
        const data = e.data as ClientEventFacts & { computerId: string };
        models.set(data.computerId, evolveComputer(models.get(data.computerId) ?? EMPTY_COMPUTER_STATE, { data, recordedAt: e.recordedAt }));
      }
      const t = (d: Date | string | null): number | null => (d === null ? null : new Date(d).getTime());
      const expected = JSON.stringify([...models.keys()].sort().map((c) => {
        const m = models.get(c)!;
        return [c, m.lastStatusAt, m.lastRebootAt, m.lastScanAt, m.lastScanResult, m.lastReportedAt,
          [...m.rows.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([u, r]) => [u, r.status, r.at, r.eventId, r.revisionNumber])];
      }));
      const dump = async (): Promise<string> => {
        const comps = await store.db.query<{ computer_id: string; last_status_at: Date | null; last_reboot_at: Date | null; last_scan_at: Date | null; last_scan_result: string | null; last_reported_at: Date | null }>(
          "SELECT computer_id, last_status_at, last_reboot_at, last_scan_at, last_scan_result, last_reported_at FROM rpt_computers WHERE computer_id LIKE 'r%' ORDER BY computer_id",
        );
        const rows = await store.db.query<{ computer_id: string; update_id: string; status: number; status_at: Date; event_id: number; revision_number: number | null }>(
          "SELECT computer_id, update_id::text AS update_id, status, status_at, event_id, revision_number FROM rpt_update_status WHERE computer_id LIKE 'r%' ORDER BY computer_id, update_id",
        );
        return JSON.stringify(comps.rows.map((c) => [c.computer_id, t(c.last_status_at), t(c.last_reboot_at), t(c.last_scan_at), c.last_scan_result, t(c.last_reported_at),
          rows.rows.filter((r) => r.computer_id === c.computer_id).map((r) => [r.update_id, statusFromCode(r.status), t(r.status_at), r.event_id, r.revision_number])]));
      };
      await sync();
      assert.equal(await dump(), expected, 'live');
      const counters = (await answers()) as { computerCounters: unknown; updateCounters: unknown };
      await runner.rebuild();
      assert.equal(await dump(), expected, 'rebuilt from the pruned log');
      const rebuilt = (await answers()) as { computerCounters: unknown; updateCounters: unknown };
      assert.deepEqual([rebuilt.computerCounters, rebuilt.updateCounters], [counters.computerCounters, counters.updateCounters]);
    });

    it('bad requests are refused with REQUEST.INVALID', async () => {
      await assert.rejects(pruneReportEvents(store, { runId: 'x', occurredBefore: cutoff(90), dryRun: false }, at(0)), { code: 'REQUEST.INVALID' });
      await assert.rejects(pruneReportEvents(store, { runId: randomUUID(), occurredBefore: 'last year', dryRun: false }, at(0)), { code: 'REQUEST.INVALID' });
    });
  });
}
