import {
  type CausationContext,
  ClientEventReported,
  ComputerAssignedToGroups,
  ComputerRegistered,
  computerMembershipStream,
  computerStream,
  newEvent,
  type NewEvent,
} from '#contracts';
import type { SqlDatabase } from '#event-store';
import { Prng } from '../support/catalog/prng.js';

/** The channel appendToStream notifies (event-store append-to-stream.ts): wakes the projections. */
const EVENTS_CHANNEL = 'ws_events';

/**
 * A realistic reporting state for 100,000 computers, written as the very events the real paths
 * write (ComputerRegistered and ClientEventReported on `computer-<id>`, ComputerAssignedToGroups on
 * `membership-<id>`), straight into the event store in big multi-row inserts: the gateway path
 * ingests ~1,000 events/s, which would take hours here. Nothing is written to a read model: the
 * server's projections build them from these events, and the benchmark measures how fast.
 *
 * The fleet (documented in docs/benchmarks/report-queries.md):
 * - every computer is in one OS profile (6: three client, three server releases) and registers with
 *   that OS; it is placed in one leaf group of the tree (site → department), 5% also in a "Pilot"
 *   group, 2% in none (Unassigned Computers);
 * - its applicable updates: the `common` updates every computer has (definitions, .NET, MSRT: the
 *   "popular" updates, ~100,000 status rows each), its profile's share of the catalog, and a few
 *   random extras (drivers, Office): `statusesPerComputer` on average;
 * - it reports what WUA reports after a scan: 147 (detection finished) and 156 (the status snapshot
 *   listing each applicable update as installed / needed / downloaded / failed / pending reboot);
 *   65% of computers are fully patched; the others then report a few installs (181 then 183, 184 or
 *   182) after the snapshot.
 */
export interface ReportFleetOptions {
  readonly computers: number;
  /** Software and driver update ids statuses are stated for (from the imported catalog). */
  readonly updateIds: readonly string[];
  /** Average applicable updates per computer. */
  readonly statusesPerComputer: number;
  /** Leaf group ids computers are placed in; `pilotGroupId` gets 5% in addition. */
  readonly leafGroupIds: readonly string[];
  readonly pilotGroupId: string;
  readonly seed: number;
  /** Computers per transaction. */
  readonly chunk?: number;
  readonly log?: (line: string) => void;
}

export interface ReportFleetSeed {
  readonly computers: number;
  readonly events: number;
  /** Status cells the snapshots state (computer × applicable update). */
  readonly statusCells: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** The updates every computer reports on: the per-update report's worst case. */
  readonly popularUpdateIds: readonly string[];
  /** An update only one OS profile has. */
  readonly profileUpdateId: string;
  /** A few computers (id, DNS name), by index, for per-computer queries and deep-page cursors. */
  readonly sample: readonly { readonly index: number; readonly computerId: string; readonly dnsName: string }[];
  /** The last computer seeded: its status rows and groups, to tell when the projection has caught up. */
  readonly last: { readonly computerId: string; readonly statuses: number; readonly groups: number };
}

const PROFILES = [
  { os: [10, 0, 19045], name: 'Windows 10 22H2', server: false },
  { os: [10, 0, 22631], name: 'Windows 11 23H2', server: false },
  { os: [10, 0, 26100], name: 'Windows 11 24H2', server: false },
  { os: [10, 0, 17763], name: 'Windows Server 2019', server: true },
  { os: [10, 0, 20348], name: 'Windows Server 2022', server: true },
  { os: [10, 0, 26100], name: 'Windows Server 2025', server: true },
] as const;
/** Share of computers per profile (clients dominate a fleet). */
const PROFILE_WEIGHTS = [0.3, 0.3, 0.2, 0.08, 0.08, 0.04];
const COMMON_UPDATES = 20;
const EXTRAS = 10;

/** The computer's id and DNS name from its index: stable, so a later run can address the same computers. */
export const fleetComputer = (seed: number, index: number): { computerId: string; dnsName: string } => {
  const rng = new Prng(seed ^ (index * 2654435761));
  return { computerId: rng.uuid(), dnsName: `pc-${String(index).padStart(6, '0')}.fleet.bench.test` };
};

export async function seedReportFleet(db: SqlDatabase, options: ReportFleetOptions): Promise<ReportFleetSeed> {
  const chunk = options.chunk ?? 250;
  const rng = new Prng(options.seed);
  const updates = options.updateIds;
  // A tiny catalog (--quick) keeps three quarters of its updates for the profiles.
  const common = updates.slice(0, Math.min(COMMON_UPDATES, Math.ceil(updates.length / 4)));
  // The rest of the catalog is split in overlapping slices, one per profile: each profile's updates
  // are the ones its computers have (cumulative updates, servicing stacks, features).
  const rest = updates.slice(common.length);
  const perProfile = Math.max(1, options.statusesPerComputer - COMMON_UPDATES - EXTRAS);
  const profileSlices = PROFILES.map((_, p) => {
    const start = Math.floor((p * rest.length) / PROFILES.length);
    return Array.from({ length: Math.min(perProfile, rest.length) }, (_, k) => rest[(start + k) % rest.length]!);
  });
  const t0 = Date.now();
  const ctx = (actor: string): CausationContext => ({
    correlationId: rng.uuid(),
    causationId: null,
    traceparent: null,
    actor,
    now: () => new Date(),
    newId: () => rng.uuid(),
  });
  const at = (ms: number): string => new Date(t0 + ms).toISOString();
  let events = 0;
  let statusCells = 0;
  let last = { computerId: '', statuses: 0, groups: 0 };
  const sampleIndexes = new Set([0, 1, Math.floor(options.computers / 2), Math.floor((options.computers * 9) / 10), options.computers - 1]);
  const sample: { index: number; computerId: string; dnsName: string }[] = [];
  const started = performance.now();
  let lastLog = started;

  for (let from = 0; from < options.computers; from += chunk) {
    const streams: { s: string; v: number }[] = [];
    const rows: { streamId: string; position: number; event: NewEvent }[] = [];
    for (let i = from; i < Math.min(options.computers, from + chunk); i += 1) {
      const { computerId, dnsName } = fleetComputer(options.seed, i);
      if (sampleIndexes.has(i)) sample.push({ index: i, computerId, dnsName });
      const profileIndex = pickWeighted(rng.next(), PROFILE_WEIGHTS);
      const profile = PROFILES[profileIndex]!;
      const c = ctx(computerId);
      const computerEvents: NewEvent[] = [
        newEvent(c, ComputerRegistered.type, ComputerRegistered.schemaVersion, ComputerRegistered.schema.parse({
          computerId,
          dnsName,
          osMajorVersion: profile.os[0],
          osMinorVersion: profile.os[1],
          osBuildNumber: profile.os[2],
          osServicePackMajorNumber: 0,
          osLocale: 'en-US',
          computerManufacturer: profile.server ? 'Contoso Servers' : 'Contoso',
          computerModel: profile.server ? 'CS-2U' : 'Book 14',
          clientVersion: '10.0.26100.1',
          clientIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        })),
      ];
      // Applicable updates: common, the profile's slice, a few extras from anywhere.
      const applicable = new Set<string>([...common, ...profileSlices[profileIndex]!]);
      for (let k = 0; k < EXTRAS; k += 1) applicable.add(updates[Math.floor(rng.next() * updates.length)]!);
      const patched = rng.next() < 0.65;
      const lists: Record<'U' | 'V' | 'W' | 'g' | 'h', string[]> = { U: [], V: [], W: [], g: [], h: [] };
      for (const u of applicable) {
        const roll = patched ? 1 : rng.next();
        lists[roll < 0.12 ? 'U' : roll < 0.15 ? 'h' : roll < 0.18 ? 'g' : roll < 0.2 ? 'W' : 'V'].push(u);
      }
      statusCells += applicable.size;
      const report = (eventId: number, ms: number, updateId: string | null, miscData: string[] = [], win32HResult = 0): NewEvent => {
        const eventInstanceId = rng.uuid();
        const e = newEvent(c, ClientEventReported.type, ClientEventReported.schemaVersion, ClientEventReported.schema.parse({
          computerId,
          eventInstanceId,
          eventId,
          namespaceId: 1,
          timeAtTarget: at(ms),
          sourceId: 101,
          updateId,
          revisionNumber: updateId === null ? null : 100,
          win32HResult,
          appName: 'AutomaticUpdates',
          replacementStrings: [],
          miscData,
        }));
        // As RecordEventsConsumer does: the EventInstanceID is the messageId (retries dedupe).
        return { ...e, metadata: { ...e.metadata, messageId: eventInstanceId } };
      };
      computerEvents.push(report(147, 0, null));
      computerEvents.push(report(156, 1, null, Object.entries(lists).filter(([, ids]) => ids.length > 0).map(([tag, ids]) => `${tag}=${ids.join(';')}`)));
      // Then a few installs of what the snapshot said was needed.
      lists.U.slice(0, 3).forEach((u, k) => {
        const outcome = rng.next();
        computerEvents.push(report(181, 2 + 2 * k, u));
        computerEvents.push(outcome < 0.7 ? report(183, 3 + 2 * k, u) : outcome < 0.9 ? report(184, 3 + 2 * k, u) : report(182, 3 + 2 * k, u, [], -2145124329));
      });
      computerEvents.forEach((event, k) => rows.push({ streamId: computerStream(computerId), position: k + 1, event }));
      streams.push({ s: computerStream(computerId), v: computerEvents.length });

      const roll = rng.next();
      const groupIds = roll < 0.02 ? null : [options.leafGroupIds[i % options.leafGroupIds.length]!, ...(roll > 0.95 ? [options.pilotGroupId] : [])].sort();
      last = { computerId, statuses: applicable.size, groups: groupIds?.length ?? 0 };
      if (groupIds !== null) {
        const assigned = newEvent(ctx('client-side-targeting'), ComputerAssignedToGroups.type, ComputerAssignedToGroups.schemaVersion, ComputerAssignedToGroups.schema.parse({
          computerId,
          groupIds,
          by: 'client-side-targeting',
        }));
        rows.push({ streamId: computerMembershipStream(computerId), position: 1, event: assigned });
        streams.push({ s: computerMembershipStream(computerId), v: 1 });
      }
    }
    await appendChunk(db, streams, rows);
    events += rows.length;
    if (options.log && performance.now() - lastLog > 15_000) {
      lastLog = performance.now();
      const done = Math.min(options.computers, from + chunk);
      options.log(`seeded ${done}/${options.computers} computers, ${events} events (${Math.round(events / ((performance.now() - started) / 1000))} events/s)`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const profileUpdateId = profileSlices[1]![Math.floor(profileSlices[1]!.length / 2)]!;
  return {
    computers: options.computers,
    events,
    statusCells,
    seconds: Math.round(seconds * 10) / 10,
    eventsPerSecond: Math.round(events / seconds),
    popularUpdateIds: common,
    profileUpdateId,
    sample,
    last,
  };
}

/**
 * One transaction per chunk, as appendToStream writes each stream: the stream rows (new streams,
 * so no version check is needed), then the events in order, then the wake-up notification.
 */
async function appendChunk(db: SqlDatabase, streams: readonly { s: string; v: number }[], rows: readonly { streamId: string; position: number; event: NewEvent }[]): Promise<void> {
  const payload = JSON.stringify(rows.map((r) => ({ s: r.streamId, p: r.position, t: r.event.type, v: r.event.schemaVersion, d: r.event.data, m: r.event.metadata })));
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO ws_streams (stream_id, version) SELECT x->>'s', (x->>'v')::bigint FROM jsonb_array_elements($1::jsonb) AS x`,
      [JSON.stringify(streams)],
    );
    await tx.query(
      `INSERT INTO ws_events (stream_id, stream_position, event_type, schema_version, data, metadata, message_id)
       SELECT e.value->>'s', (e.value->>'p')::bigint, e.value->>'t', (e.value->>'v')::int, e.value->'d', e.value->'m', (e.value->'m'->>'messageId')::uuid
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(value, ord)
        ORDER BY e.ord`,
      [payload],
    );
    await tx.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, 'bench-report-seed']);
  });
}

function pickWeighted(roll: number, weights: readonly number[]): number {
  let acc = 0;
  for (let i = 0; i < weights.length; i += 1) {
    acc += weights[i]!;
    if (roll < acc) return i;
  }
  return weights.length - 1;
}
