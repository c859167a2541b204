import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UNASSIGNED_COMPUTERS_GROUP_ID } from '#contracts';
import { openDatabase } from '#event-store';
import { generateCatalog } from '../../support/catalog/catalog-generator.js';
import { createTestDatabase, withPgClient } from '../../support/required-services.js';
import { AdminApi, loadCatalog } from '../catalog-loader.js';
import { type BenchProcess, cpuSeconds, startWatershedForBench } from '../processes.js';
import { undoOnInterrupt } from '../interrupted-run.js';
import { fleetComputer, type ReportFleetSeed, seedReportFleet } from '../report-seeder.js';
import { LatencyRecorder, type LatencySummary, round, rssMiB } from '../stats.js';

export interface ReportScaleOptions {
  readonly computers: number;
  /** Catalog size (revisions generated and imported through the admin API). */
  readonly revisions: number;
  /** Average applicable updates (status cells) per computer. */
  readonly statusesPerComputer: number;
  readonly backend: 'postgres' | 'pglite';
  /** Times each query is asked (the table shows p50 and max over them). */
  readonly repeats: number;
  /** PostgreSQL only: a database an earlier run seeded with the same sizes (kept with keepDatabase): skip the import and the seed. */
  readonly databaseUrl?: string;
  readonly keepDatabase?: boolean;
  /**
   * PostgreSQL only: VACUUM (ANALYZE) the read model before timing, i.e. the state autovacuum keeps
   * a settled server in; without it the queries meet the tables as the catch-up left them.
   */
  readonly vacuum?: boolean;
  /** With databaseUrl: time the queries on what the projection has built so far, without waiting for it to catch up (labelled partial). */
  readonly partial?: boolean;
  readonly seed: number;
  readonly log: (line: string) => void;
}

export interface ReportScaleResult {
  readonly scenario: string;
  /** True when the queries ran before the projection had caught up (--report-partial): tables hold `tables.computerRows` computers. */
  readonly partial: boolean;
  readonly backend: 'postgres' | 'pglite';
  readonly computers: number;
  readonly catalog: { readonly revisions: number; readonly imported: number; readonly importSeconds: number; readonly updatesWithStatuses: number } | null;
  readonly groups: number;
  /** Null when an earlier run's database was reused. */
  readonly seed: Omit<ReportFleetSeed, 'sample' | 'popularUpdateIds' | 'profileUpdateId' | 'last'> | null;
  /** The server's projections building the read model from the seeded events, from the server's start (CPU: the whole process). */
  readonly projection: { readonly events: number; readonly catchUpSeconds: number; readonly eventsPerSecond: number; readonly serverCpuSeconds: number } | null;
  /** PostgreSQL only: what the read model holds. */
  readonly tables: { readonly statusRows: number; readonly computerRows: number; readonly statusTableMiB: number; readonly eventStoreMiB: number } | null;
  /** Seconds the explicit VACUUM (ANALYZE) took, when asked for. */
  readonly vacuumSeconds: number | null;
  readonly latencyMs: Record<string, LatencySummary>;
  /** Each query's answer checked against the seed (e.g. a per-update report counts every computer once). */
  readonly checks: readonly string[];
  readonly serverRssMiB: number | null;
  readonly errors: number;
  readonly firstErrors: readonly string[];
}

const GROUP_SITES = 10;
const DEPARTMENTS = ['Workstations', 'Laptops', 'Servers', 'Kiosks'];

/**
 * Report queries on a large fleet (issue 5: each under 1 s on 100,000 computers × 10,000 updates).
 * The catalog is imported and the group tree created through the admin API; the computers'
 * registrations, group assignments and client reports are written as real contract events in bulk
 * (report-seeder.ts) while the server is stopped; then the server starts and its projections
 * catch up (measured), and every report route is timed, JSON and CSV, first and deep pages.
 */
export async function runReportScale(options: ReportScaleOptions): Promise<ReportScaleResult> {
  const name = `reports-${options.computers}x${options.revisions}-${options.backend}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `watershed-bench-${name}-`));
  const removeDataDir = undoOnInterrupt(() => rmSync(dataDir, { recursive: true, force: true }));
  const token = randomBytes(32).toString('hex');
  const recorder = new LatencyRecorder();
  const checks: string[] = [];
  const firstErrors: string[] = [];
  let server: BenchProcess | null = null;
  let database: { readonly url: string } | null = null;
  let dropDatabase: (() => Promise<void>) | null = null;
  try {
    if (options.backend === 'postgres' && options.databaseUrl) database = { url: options.databaseUrl };
    else if (options.backend === 'postgres') {
      const created = await createTestDatabase('bench_reports');
      database = created;
      // Dropped at the end, or when the run is interrupted, unless --keep-report-db keeps it for --report-db.
      if (!options.keepDatabase) dropDatabase = undoOnInterrupt(() => created.drop());
    }
    const env = { WATERSHED_DATA_DIR: dataDir, WATERSHED_ADMIN_TOKENS: token, ...(database ? { DATABASE_URL: database.url } : {}) };
    const start = async (): Promise<{ server: BenchProcess; api: AdminApi }> => {
      const s = await startWatershedForBench(env, { startTimeoutMs: 3 * 3600_000 });
      return { server: s, api: new AdminApi(s.url, token) };
    };
    let { server: running, api } = await start();
    server = running;

    // A database an earlier run seeded (possibly stopped before its projection caught up): its events are there.
    const reused = options.databaseUrl !== undefined && (await seededComputers(options.databaseUrl)) >= options.computers;
    let catalog: ReportScaleResult['catalog'] = null;
    let seed: ReportFleetSeed;
    let groups: { root: string; site: string; leaf: string; pilot: string; leaves: string[] };
    let projection: ReportScaleResult['projection'] = null;
    if (!reused) {
      const generated = generateCatalog({
        seed: options.seed,
        revisions: options.revisions,
        // Metadata only: the report queries do not touch content, and uploads would dominate the import.
        contentEvery: 1_000_000,
        fileSizes: [64 * 1024],
        largeEvery: 1_000_000,
        giantBytes: 0,
        approvedFraction: 0.02,
        drivers: Math.round(options.revisions / 50),
      });
      const updateIds = generated.items.filter((i) => i.kind === 'leaf' || i.kind === 'bundle' || i.kind === 'driver').map((i) => i.updateId);
      options.log(`${name}: importing ${generated.items.length} documents (${updateIds.length} software and driver updates)`);
      const loaded = await loadCatalog(api, generated, { concurrency: 4, log: (l) => options.log(`${name}: ${l}`) });
      catalog = { revisions: options.revisions, imported: loaded.documents, importSeconds: loaded.importSeconds, updatesWithStatuses: updateIds.length };
      options.log(`${name}: imported ${loaded.documents} in ${loaded.importSeconds}s`);
      groups = await createGroupTree(api);
      // Statuses must be stated after every update arrived (a snapshot older than an update cannot have seen it).
      await new Promise((r) => setTimeout(r, 1500));
      await server.stop();
      server = null;

      options.log(`${name}: seeding ${options.computers} computers`);
      const db = await openDatabase(database ? { kind: 'postgres', url: database.url, applicationName: 'watershed-bench-seed' } : { kind: 'pglite', dataDir });
      try {
        seed = await seedReportFleet(db, {
          computers: options.computers,
          updateIds,
          statusesPerComputer: options.statusesPerComputer,
          leafGroupIds: groups.leaves,
          pilotGroupId: groups.pilot,
          seed: options.seed,
          log: (l) => options.log(`${name}: ${l}`),
        });
      } finally {
        await db.close();
      }
      options.log(`${name}: seeded ${seed.events} events (${seed.statusCells} status cells) in ${seed.seconds}s`);

      // Timed from the server's start: it catches the deployment state up before it serves, and the
      // reporting projection follows the seeded events from then on.
      const restarted = performance.now();
      ({ server: running, api } = await start());
      server = running;
      options.log(`${name}: server serving after ${round((performance.now() - restarted) / 1000, 1)}s`);
      await waitForProjection(api, seed, (l) => options.log(`${name}: ${l}`));
      const caughtUp = (performance.now() - restarted) / 1000;
      projection = { events: seed.events, catchUpSeconds: round(caughtUp, 1), eventsPerSecond: Math.round(seed.events / caughtUp), serverCpuSeconds: await cpuSeconds(server.pid) };
      options.log(`${name}: projection caught up in ${projection.catchUpSeconds}s (${projection.eventsPerSecond} events/s)`);
    } else {
      options.log(`${name}: reusing the seeded database`);
      const resumed = options.partial ? { events: 0, seconds: 0 } : await waitForCheckpoint(database!.url, (l) => options.log(`${name}: ${l}`));
      if (resumed.events > 0) projection = { events: resumed.events, catchUpSeconds: resumed.seconds, eventsPerSecond: Math.round(resumed.events / Math.max(0.1, resumed.seconds)), serverCpuSeconds: await cpuSeconds(server.pid) };
      groups = await findGroupTree(api);
      // Partial: the checks and the sampled computers are over the computers projected so far (they are projected in seed order).
      const projected = options.partial ? (await tableSizes(database!.url))!.computerRows : options.computers;
      seed = describeSeed({ ...options, computers: projected }, await popularFromDatabase(database!.url));
    }

    let vacuumSeconds: number | null = null;
    if (options.vacuum && database) {
      const t0 = performance.now();
      await withPgClient(database.url, (c) => c.query('VACUUM (ANALYZE) rpt_computers, rpt_update_status, rpt_update_counts, rpt_group_members, rpt_updates, rpt_groups'));
      vacuumSeconds = round((performance.now() - t0) / 1000, 1);
      options.log(`${name}: VACUUM (ANALYZE) of the read model took ${vacuumSeconds}s`);
    }
    const tables = database ? await tableSizes(database.url) : null;
    await timeQueries(api, seed, groups, options, recorder, checks, firstErrors);
    const serverRss = await rssMiB(server.pid);
    return {
      scenario: name,
      partial: options.partial === true,
      backend: options.backend,
      computers: options.computers,
      catalog,
      groups: 1 + GROUP_SITES * (1 + DEPARTMENTS.length) + 1,
      seed: reused ? null : { computers: seed.computers, events: seed.events, statusCells: seed.statusCells, seconds: seed.seconds, eventsPerSecond: seed.eventsPerSecond },
      projection,
      tables,
      vacuumSeconds,
      latencyMs: recorder.summary(),
      checks,
      serverRssMiB: serverRss,
      errors: recorder.totalErrors,
      firstErrors,
    };
  } finally {
    await server?.stop();
    await removeDataDir();
    if (database && !options.databaseUrl && options.keepDatabase) options.log(`${name}: kept the database for --report-db: ${database.url}`);
    await dropDatabase?.();
  }
}

/** A tree under All Computers: Fleet → 10 sites → 4 departments each (computers are in the departments), and a pilot group. */
async function createGroupTree(api: AdminApi): Promise<{ root: string; site: string; leaf: string; pilot: string; leaves: string[] }> {
  const create = async (groupName: string, parentId?: string): Promise<string> =>
    (await api.call<{ id: string }>('POST', '/api/v1/groups', { name: groupName, ...(parentId ? { parentId } : {}) })).body.id;
  const root = await create('Fleet');
  const leaves: string[] = [];
  let firstSite = '';
  for (let s = 1; s <= GROUP_SITES; s += 1) {
    const site = await create(`Site ${String(s).padStart(2, '0')}`, root);
    firstSite ||= site;
    for (const d of DEPARTMENTS) leaves.push(await create(`Site ${String(s).padStart(2, '0')} ${d}`, site));
  }
  const pilot = await create('Fleet Pilot', root);
  return { root, site: firstSite, leaf: leaves[0]!, pilot, leaves };
}

async function findGroupTree(api: AdminApi): Promise<{ root: string; site: string; leaf: string; pilot: string; leaves: string[] }> {
  const { groups } = (await api.call<{ groups: { id: string; name: string }[] }>('GET', '/api/v1/groups')).body;
  const byName = (n: string): string => {
    const g = groups.find((x) => x.name === n);
    if (!g) throw new Error(`the reused database has no group ${n}`);
    return g.id;
  };
  const leaves = Array.from({ length: GROUP_SITES }, (_, s) => DEPARTMENTS.map((d) => byName(`Site ${String(s + 1).padStart(2, '0')} ${d}`))).flat();
  return { root: byName('Fleet'), site: byName('Site 01'), leaf: leaves[0]!, pilot: byName('Fleet Pilot'), leaves };
}

/** Caught up when the last seeded computer shows all its statuses and groups, polled through the API (works on PGlite too). */
async function waitForProjection(api: AdminApi, seed: ReportFleetSeed, log: (line: string) => void): Promise<number> {
  const started = performance.now();
  let lastLog = started;
  for (;;) {
    const r = await api.call<{ updates?: unknown[]; computer?: { groupIds: string[] } }>('GET', `/api/v1/reports/computers/${seed.last.computerId}`, undefined, [200, 404]);
    if (r.status === 200 && r.body.updates?.length === seed.last.statuses && r.body.computer?.groupIds.length === seed.last.groups) {
      return (performance.now() - started) / 1000;
    }
    if (performance.now() - lastLog > 30_000) {
      lastLog = performance.now();
      const total = (await api.call<{ total: number }>('GET', '/api/v1/reports/computers?limit=1')).body.total;
      log(`projection: ${total}/${seed.computers} computers after ${Math.round((performance.now() - started) / 1000)}s`);
    }
    await new Promise((res) => setTimeout(res, 1000));
  }
}

async function timeQueries(
  api: AdminApi,
  seed: ReportFleetSeed,
  groups: { root: string; site: string; leaf: string },
  options: ReportScaleOptions,
  recorder: LatencyRecorder,
  checks: string[],
  firstErrors: string[],
): Promise<void> {
  const timed = async <T>(label: string, url: string, check?: (body: T, text: string) => string | null): Promise<void> => {
    for (let k = 0; k < options.repeats; k += 1) {
      const t0 = performance.now();
      try {
        const response = await fetch(`${api.baseUrl}${url}`, { headers: { authorization: `Bearer ${api.token}` } });
        const text = await response.text();
        const ms = performance.now() - t0;
        if (response.status !== 200) throw new Error(`HTTP ${response.status} ${text.slice(0, 300)}`);
        recorder.record(label, ms);
        if (check && k === 0) {
          const problem = check((url.includes('format=csv') ? null : JSON.parse(text)) as T, text);
          if (problem !== null) throw new Error(`answer check failed: ${problem}`);
          checks.push(label);
        }
      } catch (error) {
        recorder.error(label);
        if (firstErrors.length < 10) firstErrors.push(`${label} ${url}: ${(error as Error).message}`);
      }
    }
  };
  interface Counts { installed: number; needed: number; failed: number; installedPendingReboot: number; notApplicable: number; noStatus: number }
  const sum = (c: Counts): number => c.installed + c.needed + c.failed + c.installedPendingReboot + c.notApplicable + c.noStatus;
  const popular = seed.popularUpdateIds[0]!;
  const everyComputer = (r: { counts: Counts }): string | null => (sum(r.counts) === seed.computers ? null : `counts add up to ${sum(r.counts)}, not ${seed.computers}`);
  const csvRows = (min: number) => (_: unknown, text: string): string | null => (text.split('\r\n').length - 2 >= min ? null : `CSV has ${text.split('\r\n').length - 2} rows`);

  await timed('updates/:id (popular, All Computers)', `/api/v1/reports/updates/${popular}`, everyComputer);
  await timed('updates/:id (popular) csv', `/api/v1/reports/updates/${popular}?format=csv`, csvRows(1));
  await timed('updates/:id (popular) ?byGroup', `/api/v1/reports/updates/${popular}?byGroup=true`, (r: { counts: Counts; groups: unknown[] }) => everyComputer(r) ?? (r.groups.length > 40 ? null : `${r.groups.length} groups`));
  await timed('updates/:id (popular) ?byGroup csv', `/api/v1/reports/updates/${popular}?byGroup=true&format=csv`, csvRows(40));
  await timed('updates/:id (popular) ?groupId=tree root', `/api/v1/reports/updates/${popular}?groupId=${groups.root}`);
  await timed('updates/:id (popular) ?groupId=site', `/api/v1/reports/updates/${popular}?groupId=${groups.site}`);
  await timed('updates/:id (popular) ?groupId=leaf', `/api/v1/reports/updates/${popular}?groupId=${groups.leaf}`, (r: { counts: Counts }) => (sum(r.counts) > 0 ? null : 'empty leaf group'));
  await timed('updates/:id (popular) ?groupId=Unassigned', `/api/v1/reports/updates/${popular}?groupId=${UNASSIGNED_COMPUTERS_GROUP_ID}`);
  await timed('updates/:id (one OS profile)', `/api/v1/reports/updates/${seed.profileUpdateId}`, everyComputer);
  for (const s of seed.sample) {
    await timed('computers/:id', `/api/v1/reports/computers/${s.computerId}`, (r: { updates: unknown[] }) => (r.updates.length > 0 ? null : 'no statuses'));
  }
  await timed('computers/:id csv', `/api/v1/reports/computers/${seed.sample[0]!.computerId}?format=csv`, csvRows(1));
  await timed('computers (first page of 100)', '/api/v1/reports/computers?limit=100', (r: { total: number; computers: unknown[] }) => (r.total === seed.computers && r.computers.length === Math.min(100, seed.computers) ? null : `total ${r.total}`));
  await timed('computers (first page of 100) csv', '/api/v1/reports/computers?limit=100&format=csv', csvRows(Math.min(100, seed.computers)));
  await timed('computers (first page of 1000)', '/api/v1/reports/computers?limit=1000');
  // A deep page without walking the ones before it: the cursor of a computer 90% down the list (the
  // bench knows the cursor's shape; clients only ever pass back `next`).
  const deep = seed.sample.find((s) => s.index === Math.floor((seed.computers * 9) / 10)) ?? seed.sample.at(-1)!;
  const cursor = Buffer.from(JSON.stringify([deep.dnsName, deep.computerId])).toString('base64url');
  await timed('computers (deep page of 100, 90%)', `/api/v1/reports/computers?limit=100&after=${cursor}`, (r: { computers: unknown[] }) => (r.computers.length > 0 || seed.computers < 10 ? null : 'empty deep page'));
  await timed('computers (deep page of 100, 90%) csv', `/api/v1/reports/computers?limit=100&after=${cursor}&format=csv`);
  const second = (await api.call<{ next: string | null }>('GET', '/api/v1/reports/computers?limit=100')).body.next;
  if (second) await timed('computers (next page, from next)', `/api/v1/reports/computers?limit=100&after=${encodeURIComponent(second)}`);
  await timed('computers ?groupId=leaf', `/api/v1/reports/computers?limit=100&groupId=${groups.leaf}`);
  await timed('computers ?groupId=Unassigned', `/api/v1/reports/computers?limit=100&groupId=${UNASSIGNED_COMPUTERS_GROUP_ID}`);
  await timed('computers ?search', `/api/v1/reports/computers?limit=100&search=pc-0001`);
  await timed('groups (compliance)', '/api/v1/reports/groups', (r: { groups: { computers: number; name: string }[] }) =>
    r.groups.find((g) => g.name === 'All Computers')?.computers === seed.computers ? null : 'All Computers does not count every computer');
  await timed('groups (compliance) csv', '/api/v1/reports/groups?format=csv', csvRows(40));
  await timed('synchronizations', '/api/v1/reports/synchronizations');
  await timed('synchronizations csv', '/api/v1/reports/synchronizations?format=csv');
}

const REPORTING_TYPES = `('ComputerRegistered', 'ClientEventReported', 'ComputerAssignedToGroups')`;

async function seededComputers(url: string): Promise<number> {
  return withPgClient(url, async (c) => {
    const exists = (await c.query(`SELECT 1 FROM pg_tables WHERE tablename = 'ws_events'`)).rows.length > 0;
    if (!exists) return 0;
    return Number((await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM ws_events WHERE event_type = 'ComputerRegistered'`)).rows[0]!.n);
  });
}

/** PostgreSQL: waits for the reporting projection's checkpoint to pass the last reporting event; how many it applied meanwhile. */
async function waitForCheckpoint(url: string, log: (line: string) => void): Promise<{ events: number; seconds: number }> {
  return withPgClient(url, async (c) => {
    const started = performance.now();
    const position = async (): Promise<number> => Number((await c.query<{ n: string | null }>(`SELECT global_sequence::text AS n FROM ws_projection_checkpoints WHERE name = 'reporting.status'`)).rows[0]?.n ?? 0);
    const target = Number((await c.query<{ n: string }>(`SELECT max(global_sequence)::text AS n FROM ws_events WHERE event_type IN ${REPORTING_TYPES}`)).rows[0]!.n);
    const from = await position();
    const pending = Number((await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM ws_events WHERE event_type IN ${REPORTING_TYPES} AND global_sequence > $1`, [from])).rows[0]!.n);
    let lastLog = started;
    for (let at = from; at < target; at = await position()) {
      if (performance.now() - lastLog > 30_000) {
        lastLog = performance.now();
        log(`projection: at ${at} of ${target} after ${Math.round((performance.now() - started) / 1000)}s`);
      }
      await new Promise((res) => setTimeout(res, 1000));
    }
    return { events: pending, seconds: round((performance.now() - started) / 1000, 1) };
  });
}

async function tableSizes(url: string): Promise<ReportScaleResult['tables']> {
  return withPgClient(url, async (c) => {
    const r = await c.query<{ status_rows: string; computer_rows: string; status_bytes: string; events_bytes: string }>(
      `SELECT (SELECT count(*) FROM rpt_update_status)::text AS status_rows, (SELECT count(*) FROM rpt_computers)::text AS computer_rows,
              pg_total_relation_size('rpt_update_status')::text AS status_bytes, pg_total_relation_size('ws_events')::text AS events_bytes`,
    );
    const row = r.rows[0]!;
    const MiB = 1024 * 1024;
    return { statusRows: Number(row.status_rows), computerRows: Number(row.computer_rows), statusTableMiB: Math.round(Number(row.status_bytes) / MiB), eventStoreMiB: Math.round(Number(row.events_bytes) / MiB) };
  });
}

/** For a reused database: the most reported update, and one reported by far fewer computers. */
async function popularFromDatabase(url: string): Promise<{ popular: string[]; profile: string }> {
  return withPgClient(url, async (c) => {
    const top = await c.query<{ update_id: string; n: string }>(
      `SELECT update_id::text AS update_id, count(*)::text AS n FROM rpt_update_status
        WHERE update_id IN (SELECT update_id FROM rpt_update_status TABLESAMPLE SYSTEM (0.1)) GROUP BY update_id ORDER BY count(*) DESC`,
    );
    return { popular: [top.rows[0]!.update_id], profile: top.rows[Math.floor(top.rows.length / 2)]!.update_id };
  });
}

function describeSeed(options: ReportScaleOptions, found: { popular: string[]; profile: string }): ReportFleetSeed {
  const indexes = [0, 1, Math.floor(options.computers / 2), Math.floor((options.computers * 9) / 10), options.computers - 1];
  return {
    computers: options.computers,
    events: 0,
    statusCells: 0,
    seconds: 0,
    eventsPerSecond: 0,
    popularUpdateIds: found.popular,
    profileUpdateId: found.profile,
    sample: indexes.map((index) => ({ index, ...fleetComputer(options.seed, index) })),
    last: { computerId: fleetComputer(options.seed, options.computers - 1).computerId, statuses: 0, groups: 0 },
  };
}
