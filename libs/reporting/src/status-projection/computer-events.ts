import { ALL_COMPUTERS_GROUP_ID, ClientEventReported, ComputerAssignedToGroups, ComputerRegistered, type RecordedEvent } from '#contracts';
import type { SqlExecutor } from '#event-store';
import type { z } from 'zod';
import { type ClientEventChange, clientEventChange } from './client-event-change.js';
import { addToKnownBuckets, bucketsOfMany, forgetBuckets, type ImageRequest, imageDeltas, imagesOf, wholeImage } from './update-counts.js';

type Data<D extends { schema: z.ZodType }> = z.infer<D['schema']>;

/**
 * The events about one computer that the status projection applies set-based: nearly all of the log
 * (a computer registers, is assigned to groups, and reports), and each touches only its computer's rows.
 */
const COMPUTER_EVENT_TYPES: ReadonlySet<string> = new Set([ComputerRegistered.type, ClientEventReported.type, ComputerAssignedToGroups.type]);

export function isComputerEvent(event: RecordedEvent): boolean {
  return event.schemaVersion === 1 && COMPUTER_EVENT_TYPES.has(event.type);
}

const computerIdOf = (event: RecordedEvent): string => (event.data as { computerId: string }).computerId;

/**
 * Applies a run of computer events (isComputerEvent) with a few statements per layer instead of
 * several per event. Layer k holds each computer's k-th event of the run: one event per computer,
 * so a layer's statements cannot conflict, and a computer's events keep their log order. Events of
 * different computers commute: each changes only its computer's rows, and the per-update counters
 * they share are sums. A replay with one event per batch gives the same tables (contract test).
 */
export async function applyComputerEvents(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
  const layers: RecordedEvent[][] = [];
  const seen = new Map<string, number>();
  for (const event of events) {
    const computerId = computerIdOf(event);
    const k = seen.get(computerId) ?? 0;
    seen.set(computerId, k + 1);
    (layers[k] ??= []).push(event);
  }
  for (const layer of layers) await applyLayer(tx, layer);
}

const iso = (ms: number): string => new Date(ms).toISOString();
const ms = (value: Date | string | null): number | null => (value === null ? null : new Date(value).getTime());
const json = (rows: readonly unknown[]): string => JSON.stringify(rows);

interface ClientEventStep {
  readonly computerId: string;
  readonly change: ClientEventChange;
}

async function applyLayer(tx: SqlExecutor, layer: readonly RecordedEvent[]): Promise<void> {
  const registrations = layer.filter((e) => e.type === ComputerRegistered.type);
  const reports = layer.filter((e) => e.type === ClientEventReported.type);
  const assignments = layer.filter((e) => e.type === ComputerAssignedToGroups.type);

  await register(tx, registrations);
  const steps = await decideClientEvents(tx, reports);

  // The rows these events may change, imaged before and after (update-counts.ts): a status event's
  // one row, the whole computer otherwise.
  const requests: ImageRequest[] = [];
  for (const { computerId, change } of steps) {
    if (change.kind === 'status') requests.push({ computerId, updateId: change.updateId });
    if (change.kind === 'reboot' || change.kind === 'snapshot') requests.push({ computerId, updateId: null });
  }
  const assigned = assignments.map(computerIdOf);
  const before = await imagesOf(tx, [...requests, ...assigned.map((computerId) => ({ computerId, updateId: null }))]);
  const oldBuckets = await bucketsOfMany(tx, [...before.keys()]);

  await writeChanges(tx, steps);
  await assign(tx, assignments);

  const after = await imagesOf(tx, requests);
  for (const computerId of assigned) forgetBuckets(tx, computerId);
  const newBuckets = await bucketsOfMany(tx, assigned);
  for (const [computerId, image] of after) addToKnownBuckets(tx, oldBuckets.get(computerId)!, imageDeltas(before.get(computerId)!, image));
  // A membership change moves the computer's whole image from its old buckets to its new ones.
  for (const computerId of assigned) {
    addToKnownBuckets(tx, oldBuckets.get(computerId)!, wholeImage(before.get(computerId)!, -1));
    addToKnownBuckets(tx, newBuckets.get(computerId)!, wholeImage(before.get(computerId)!, 1));
  }
  await refreshCounts(tx, [...after.keys()]);

  // Last contact by the writer's clock (the reporting service that took the client's call).
  const contacts = [...registrations, ...reports].map((e) => ({ c: computerIdOf(e), t: e.metadata.occurredAt }));
  if (contacts.length > 0) {
    await tx.query(
      `UPDATE rpt_computers c SET last_contact_at = greatest(c.last_contact_at, x.t)
         FROM jsonb_to_recordset($1::jsonb) AS x(c text, t timestamptz) WHERE c.computer_id = x.c`,
      [json(contacts)],
    );
  }
}

async function register(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((event) => {
    const d = event.data as Data<typeof ComputerRegistered>;
    return {
      c: d.computerId,
      dns: d.dnsName,
      omaj: d.osMajorVersion,
      omin: d.osMinorVersion,
      obuild: d.osBuildNumber,
      osp: d.osServicePackMajorNumber,
      loc: d.osLocale,
      man: d.computerManufacturer,
      model: d.computerModel,
      cv: d.clientVersion,
      ip: d.clientIp,
      reg: new Date(event.recordedAt).toISOString(),
      pos: event.streamPosition.toString(),
    };
  });
  await tx.query(
    `INSERT INTO rpt_computers (computer_id, dns_name, os_major_version, os_minor_version, os_build_number,
        os_service_pack_major, os_locale, computer_manufacturer, computer_model, client_version, client_ip,
        registered_at, registration_position)
     SELECT c, dns, omaj, omin, obuild, osp, loc, man, model, cv, ip, reg, pos
       FROM jsonb_to_recordset($1::jsonb) AS x(c text, dns text, omaj int, omin int, obuild int, osp int, loc text,
            man text, model text, cv text, ip text, reg timestamptz, pos bigint)
     ON CONFLICT (computer_id) DO UPDATE SET
        dns_name = EXCLUDED.dns_name, os_major_version = EXCLUDED.os_major_version,
        os_minor_version = EXCLUDED.os_minor_version, os_build_number = EXCLUDED.os_build_number,
        os_service_pack_major = EXCLUDED.os_service_pack_major, os_locale = EXCLUDED.os_locale,
        computer_manufacturer = EXCLUDED.computer_manufacturer, computer_model = EXCLUDED.computer_model,
        client_version = EXCLUDED.client_version, client_ip = EXCLUDED.client_ip,
        registered_at = EXCLUDED.registered_at, registration_position = EXCLUDED.registration_position`,
    [json(rows)],
  );
}

/** Records that the computers reported, and decides each event's change from their times (client-event-change.ts). */
async function decideClientEvents(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<ClientEventStep[]> {
  if (events.length === 0) return [];
  const times = await tx.query<{ computer_id: string; last_status_at: Date | null; last_reboot_at: Date | null; last_scan_at: Date | null; reports_pruned_before: Date | null }>(
    `INSERT INTO rpt_computers (computer_id, last_reported_at)
     SELECT c, r FROM jsonb_to_recordset($1::jsonb) AS x(c text, r timestamptz)
     ON CONFLICT (computer_id) DO UPDATE SET last_reported_at = greatest(rpt_computers.last_reported_at, EXCLUDED.last_reported_at)
     RETURNING computer_id, last_status_at, last_reboot_at, last_scan_at, reports_pruned_before`,
    [json(events.map((e) => ({ c: computerIdOf(e), r: new Date(e.recordedAt).toISOString() })))],
  );
  const byComputer = new Map(times.rows.map((r) => [r.computer_id, r]));
  return events.map((event) => {
    const d = event.data as Data<typeof ClientEventReported>;
    const t = byComputer.get(d.computerId)!;
    const computer = { lastStatusAt: ms(t.last_status_at), lastRebootAt: ms(t.last_reboot_at), lastScanAt: ms(t.last_scan_at), reportsPrunedBefore: ms(t.reports_pruned_before) };
    return { computerId: d.computerId, change: clientEventChange(d, event.recordedAt, computer) };
  });
}

/** The client events' changes, one statement per kind of change. */
async function writeChanges(tx: SqlExecutor, steps: readonly ClientEventStep[]): Promise<void> {
  const scans: object[] = [];
  const reboots: object[] = [];
  const statuses: object[] = [];
  const snapshots: object[] = [];
  const listed: object[] = [];
  for (const { computerId: c, change } of steps) {
    switch (change.kind) {
      case 'scan':
        scans.push({ c, at: iso(change.at), r: change.result });
        break;
      case 'reboot':
        reboots.push({ c, at: iso(change.at) });
        break;
      case 'status':
        statuses.push({ c, u: change.updateId, s: change.code, rev: change.revisionNumber, at: iso(change.at), e: change.eventId, h: change.win32HResult });
        break;
      case 'snapshot':
        snapshots.push({ c, at: iso(change.at) });
        for (const { u, s } of change.listed) listed.push({ c, u, s, at: iso(change.at), e: change.eventId });
        break;
      case 'none':
        break;
    }
  }
  if (scans.length > 0) {
    await tx.query(
      `UPDATE rpt_computers c SET last_scan_at = x.at, last_scan_result = x.r
         FROM jsonb_to_recordset($1::jsonb) AS x(c text, at timestamptz, r text) WHERE c.computer_id = x.c`,
      [json(scans)],
    );
  }
  if (reboots.length > 0) {
    // Pending reboots stated before the reboot are installed now.
    await tx.query(
      `UPDATE rpt_computers c SET last_reboot_at = x.at FROM jsonb_to_recordset($1::jsonb) AS x(c text, at timestamptz) WHERE c.computer_id = x.c`,
      [json(reboots)],
    );
    await tx.query(
      `UPDATE rpt_update_status s SET status = 4
         FROM jsonb_to_recordset($1::jsonb) AS x(c text, at timestamptz)
        WHERE s.computer_id = x.c AND s.status = 6 AND s.status_at < x.at`,
      [json(reboots)],
    );
  }
  if (statuses.length > 0) {
    await tx.query(
      `INSERT INTO rpt_update_status (computer_id, update_id, status, revision_number, status_at, event_id, win32_hresult)
       SELECT c, u, s, rev, at, e, h FROM jsonb_to_recordset($1::jsonb) AS x(c text, u uuid, s smallint, rev int, at timestamptz, e int, h int)
       ON CONFLICT (computer_id, update_id) DO UPDATE SET
         status = EXCLUDED.status, revision_number = EXCLUDED.revision_number, status_at = EXCLUDED.status_at,
         event_id = EXCLUDED.event_id, win32_hresult = EXCLUDED.win32_hresult
       WHERE rpt_update_status.status_at <= EXCLUDED.status_at`,
      [json(statuses)],
    );
  }
  if (snapshots.length > 0) {
    await tx.query(
      `UPDATE rpt_computers c SET last_status_at = x.at FROM jsonb_to_recordset($1::jsonb) AS x(c text, at timestamptz) WHERE c.computer_id = x.c`,
      [json(snapshots)],
    );
    // Older rows a snapshot does not list: the update is no longer applicable (derived, no row).
    await tx.query(
      `WITH listed AS MATERIALIZED (SELECT c, u FROM jsonb_to_recordset($2::jsonb) AS l(c text, u uuid))
       DELETE FROM rpt_update_status s
        USING jsonb_to_recordset($1::jsonb) AS x(c text, at timestamptz)
        WHERE s.computer_id = x.c AND s.status_at < x.at
          AND NOT EXISTS (SELECT 1 FROM listed l WHERE l.c = s.computer_id AND l.u = s.update_id)`,
      [json(snapshots), json(listed)],
    );
    if (listed.length > 0) {
      await tx.query(
        `INSERT INTO rpt_update_status (computer_id, update_id, status, revision_number, status_at, event_id, win32_hresult)
         SELECT c, u, s, NULL, at, e, 0 FROM jsonb_to_recordset($1::jsonb) AS x(c text, u uuid, s smallint, at timestamptz, e int)
         ON CONFLICT (computer_id, update_id) DO UPDATE SET
           status = EXCLUDED.status, status_at = EXCLUDED.status_at, event_id = EXCLUDED.event_id, win32_hresult = 0
         WHERE rpt_update_status.status_at <= EXCLUDED.status_at`,
        [json(listed)],
      );
    }
  }
}

/** Client-side targeting: the computer's groups are replaced. Every computer is in All Computers; keeping it implicit keeps that group out of the table. */
async function assign(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
  if (events.length === 0) return;
  const members: { c: string; g: string }[] = [];
  for (const event of events) {
    const d = event.data as Data<typeof ComputerAssignedToGroups>;
    for (const g of new Set(d.groupIds)) if (g !== ALL_COMPUTERS_GROUP_ID) members.push({ c: d.computerId, g });
  }
  await tx.query('DELETE FROM rpt_group_members WHERE computer_id = ANY($1::text[])', [events.map(computerIdOf)]);
  if (members.length > 0) {
    await tx.query('INSERT INTO rpt_group_members (computer_id, group_id) SELECT c, g FROM jsonb_to_recordset($1::jsonb) AS x(c text, g uuid)', [json(members)]);
  }
}

/**
 * Recounts the computers' status rows into their counters (migration reporting/0005-computer-counts):
 * an index range of each one's own rows (a few hundred at most), after the statements that changed
 * them. Recounting rather than adding deltas keeps the counters right whatever the upserts decided to keep.
 */
export async function refreshCounts(tx: SqlExecutor, computerIds: readonly string[]): Promise<void> {
  if (computerIds.length === 0) return;
  await tx.query(
    `UPDATE rpt_computers c
        SET installed_count = x.installed, needed_count = x.needed, failed_count = x.failed,
            pending_reboot_count = x.pending, open_count = x.open
       FROM (SELECT k.computer_id, n.* FROM jsonb_array_elements_text($1::jsonb) AS k(computer_id)
             -- per computer, so that one with no rows left gets zeros
             CROSS JOIN LATERAL (
               SELECT count(*) FILTER (WHERE s.status = 4)::int AS installed,
                      count(*) FILTER (WHERE s.status IN (2, 3))::int AS needed,
                      count(*) FILTER (WHERE s.status = 5)::int AS failed,
                      count(*) FILTER (WHERE s.status = 6)::int AS pending,
                      -- declined as a scalar subquery on the open rows only: a join would hash the catalog
                      count(*) FILTER (WHERE s.status IN (2, 3, 5, 6)
                                         AND (SELECT NOT u.declined FROM rpt_updates u WHERE u.update_id = s.update_id))::int AS open
                 FROM rpt_update_status s WHERE s.computer_id = k.computer_id) n) x
      WHERE c.computer_id = x.computer_id`,
    [json(computerIds)],
  );
}
