import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Catalog, type CatalogOptions, documentSizeSpread, generateCatalog } from '../../support/catalog/catalog-generator.js';
import type { ApplicabilityEvaluator } from '../../support/wua-client/wua-client.js';
import { Prng } from '../../support/catalog/prng.js';
import { createTestDatabase, withPgClient } from '../../support/required-services.js';
import { WindowsUpdateAgentClient } from '../../support/wua-client/wua-client.js';
import { AdminApi, type CatalogLoadResult, loadCatalog } from '../catalog-loader.js';
import { type Exchange, type FleetContext, type FleetPhaseResult, runFleetPhase, type SimulatedComputer } from '../fleet.js';
import { type BenchProcess, cpuSeconds, diskBytes, startCeilingServer, startWatershedForBench } from '../processes.js';
import { undoOnInterrupt } from '../interrupted-run.js';
import { CpuProfiler } from '../profiler.js';
import { replayExchanges, type ReplayResult, writeReplayFile } from '../replay.js';
import { type QuietWait, waitForQuietMachine } from '../quiet-machine.js';
import { LatencyRecorder, round, rssMiB } from '../stats.js';

export interface CatalogFleetOptions {
  readonly name: string;
  readonly catalog: CatalogOptions;
  readonly importConcurrency: number;
  readonly clients: number;
  readonly concurrency: number;
  readonly rescanRounds: number;
  /** Walks whose exchanges are recorded for the ceiling replay. */
  readonly recordWalks: number;
  readonly replayPasses: number;
  /** Report load: extra computers that register and report, and events each. 0 = no report scenario. */
  readonly reportComputers: number;
  readonly eventsPerComputer: number;
  readonly log: (line: string) => void;
  /** Documents per import-batch request; 1 = the single import route per document (the loader's default otherwise). */
  readonly importBatch?: number;
  /**
   * After the proportional fleet (every computer has every product), a second fleet of as many
   * computers that each have only this many of the catalog's products installed: first scans and
   * rescans, phases labelled with the share. 0 or absent: not run.
   */
  readonly productsPerComputer?: number;
  /**
   * false: only the product-set fleet scans (no proportional fleet, so no ceiling replay). At 100k the
   * proportional fleet's first scans (~860 SyncUpdates calls each, caches up to the whole scope) take
   * most of an hour on a shared machine and cannot say anything about the 1.5× target (see 100k.md).
   */
  readonly proportionalFleet?: boolean;
  /** The server's event store: embedded PGlite (default) or a fresh database on the test PostgreSQL (DATABASE_URL). */
  readonly store?: 'pglite' | 'postgres';
  /** Write one server CPU profile per phase (`<scenario>-<phase>.cpuprofile`) into this directory. */
  readonly profileDir?: string;
  /**
   * How many rescan phases per fleet (default 1), each after 5 new approvals of its own: a rescan
   * phase lasts about a second, so one p99 is one second's worth of luck on a shared machine. Each
   * repeat is its own phase in the results (labelled `#2`, `#3`…).
   */
  readonly rescanRepeats?: number;
  /**
   * Before each timed fleet phase, wait up to this many seconds for the machine to go quiet
   * (quiet-machine.ts; 0 or absent: start at once). Each phase reports how long it waited.
   */
  readonly quietWaitSeconds?: number;
}

export interface CeilingComparison {
  readonly phase: string;
  readonly exchanges: number;
  readonly watershed: ReplayResult;
  readonly ceiling: ReplayResult;
  /** Watershed requests/s over the ceiling's, same requests, same concurrency, same client work. */
  readonly ratio: number;
}

export interface ReportQueriesResult {
  readonly computers: number;
  readonly statusesReported: number;
  readonly ingest: {
    requests: number;
    seconds: number;
    eventsPerSecond: number;
    projectionLagSeconds: number;
    /** Server CPU over the report load and the projection catching up (the queries are not in it). */
    serverCpuSeconds?: number;
    serverCpuMsPerEvent?: number;
  };
  readonly latencyMs: ReturnType<LatencyRecorder['summary']>;
  readonly errors: number;
}

export interface CatalogFleetResult {
  readonly scenario: string;
  readonly catalog: { revisions: number; documents: ReturnType<typeof documentSizeSpread>; approvals: number; downloadableFiles: number; load: Omit<CatalogLoadResult, 'groupIds'> & { serverCpuSeconds: number; serverCpuMsPerDocument: number } };
  readonly phases: FleetPhaseResult[];
  readonly ceiling: CeilingComparison[];
  readonly reports: ReportQueriesResult | null;
  readonly serverRssMiB: { atStart: number | null; afterLoad: number | null; afterScans: number | null; peak: number | null };
  /** With BENCH_SERVER_MEMORY_LIMIT: the cgroup's limit, the highest usage the kernel charged, and how often it hit the limit. */
  readonly serverMemoryLimit?: { limitMiB: number; maxUsageMiB: number | null; limitHits: number | null };
  readonly eventStoreBytes: number;
  readonly errors: number;
}

/**
 * One server, one generated catalog fed through the admin API, then a fleet: first scans, then
 * differential rescans (after a few new approvals, so the first rescan round carries changes), the
 * ceiling replay of recorded exchanges, and optionally the report load and report queries.
 */
export async function runCatalogFleet(options: CatalogFleetOptions): Promise<CatalogFleetResult> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `watershed-bench-${options.name}-`));
  const removeDataDir = undoOnInterrupt(() => rmSync(dataDir, { recursive: true, force: true }));
  const token = randomBytes(32).toString('hex');
  let server: BenchProcess | null = null;
  let ceiling: BenchProcess | null = null;
  let dropDatabase: (() => Promise<void>) | null = null;
  let peak = 0;
  const sampleRss = async (): Promise<number | null> => {
    const v = server ? await rssMiB(server.pid) : null;
    if (v !== null) peak = Math.max(peak, v);
    return v;
  };
  try {
    let catalog = generateCatalog(options.catalog);
    const documents = documentSizeSpread(catalog);
    options.log(`${options.name}: generated ${catalog.items.length} documents, ${catalog.approvals.length} approvals`);
    const database = options.store === 'postgres' ? await createTestDatabase(`bench_${options.name}`) : null;
    if (database) dropDatabase = undoOnInterrupt(() => database.drop());
    server = await startWatershedForBench(
      { WATERSHED_DATA_DIR: dataDir, WATERSHED_ADMIN_TOKENS: token, ...(database ? { DATABASE_URL: database.url } : {}) },
      { inspect: options.profileDir !== undefined },
    );
    const serverPid = server.pid;
    const profiler = options.profileDir !== undefined && server.inspectorUrl ? await CpuProfiler.connect(server.inspectorUrl, options.profileDir) : null;
    const profiled = <T>(phase: string, work: () => Promise<T>): Promise<T> => (profiler ? profiler.around(`${options.name}-${phase}`, work) : work());
    await new Promise((r) => setTimeout(r, 1000));
    const atStart = await sampleRss();
    const rssTimer = setInterval(() => void sampleRss(), 1000);
    try {
      const api = new AdminApi(server.url, token);
      const cpuBeforeLoad = await cpuSeconds(serverPid);
      const loaded = await profiled('import', () => loadCatalog(api, catalog, { concurrency: options.importConcurrency, log: options.log, ...(options.importBatch === undefined ? {} : { batchDocuments: options.importBatch }) }));
      // Server CPU per imported document and per approval: what the shared machine's load does not move.
      // The simulated computers are other machines: past the import the bench keeps no document of the
      // catalog, or its own heap (~1.2 GiB at 100k revisions) and the pauses of collecting it would
      // grow with the catalog and land in the fleet's timings and send pattern (100k.md §17).
      catalog = withoutDocuments(catalog);
      const load = { ...loaded, serverCpuSeconds: round((await cpuSeconds(serverPid)) - cpuBeforeLoad, 2), serverCpuMsPerDocument: 0 };
      load.serverCpuMsPerDocument = round((1000 * load.serverCpuSeconds) / Math.max(1, load.documents + load.approvals), 2);
      options.log(`${options.name}: imported ${load.documents} in ${load.importSeconds}s (${load.documentsPerSecond}/s), ${load.approvals} approvals in ${load.approvalSeconds}s`);
      const afterLoad = await sampleRss();
      // Twice the calls the whole approved scope takes at the default page size (30), and never fewer than 200.
      const maxSyncCalls = Math.max(200, 2 * Math.ceil(catalog.approvals.length / 30));
      const ctx: FleetContext = { baseUrl: server.url, downloadable: catalog.downloadable, serverCpuSeconds: () => cpuSeconds(serverPid), maxSyncCalls };
      await waitForStableScope(server.url, catalog.clientGroups[0]!);

      const rng = new Prng(options.catalog.seed ^ 0x5eed);
      const computers: SimulatedComputer[] = Array.from({ length: options.clients }, (_, i) => ({
        clientId: rng.uuid(),
        dnsName: `pc-${String(i).padStart(6, '0')}.${options.name}.bench.test`,
        group: catalog.clientGroups[i % catalog.clientGroups.length]!,
        ...(catalog.systemSpecs.length > 0 ? { systemSpec: catalog.systemSpecs[i % catalog.systemSpecs.length]! } : {}),
      }));
      const phases: FleetPhaseResult[] = [];
      const recordings: { phase: string; exchanges: Exchange[] }[] = [];
      const approved = new Set(catalog.approvals.map((a) => a.updateId));
      // Updates nobody approved yet, handed out 5 at a time before each rescan phase (never the same twice).
      const unapproved = catalog.items.filter((i) => (i.kind === 'leaf' || i.kind === 'bundle') && !approved.has(i.updateId));
      let nextUnapproved = 0;
      const approveFresh = async (count: number): Promise<void> => {
        for (const item of unapproved.slice(nextUnapproved, nextUnapproved + count)) {
          await api.call('POST', `/api/v1/updates/${item.updateId}/approvals`, { groupId: load.groupIds.Workstations, action: 'Install' });
        }
        nextUnapproved += count;
        await new Promise((r) => setTimeout(r, 500));
      };
      /**
       * A fleet phase, timed once the machine is quiet (options.quietWaitSeconds), with the wait in its
       * result and, under BENCH_SERVER_MEMORY_LIMIT, how often the server's cgroup hit its limit during
       * the phase (each hit is reclaim on the server's own allocation path: a stall in its latencies).
       */
      const timedPhase = async (kind: Parameters<typeof runFleetPhase>[1], fleet: SimulatedComputer[], phaseOptions: Parameters<typeof runFleetPhase>[3], profileName: string): Promise<{ result: FleetPhaseResult; recorded: Exchange[] }> => {
        const quietWait = await waitForQuietMachine({ maxSeconds: options.quietWaitSeconds ?? 0 });
        if (quietWait.seconds > 0) options.log(`${options.name}: ${phaseOptions.label ?? kind}: ${describeQuietWait(quietWait)}`);
        const hitsBefore = (await server?.memoryCgroup?.usage())?.limitHits ?? null;
        const run = await profiled(profileName, () => runFleetPhase(ctx, kind, fleet, phaseOptions));
        const hitsAfter = (await server?.memoryCgroup?.usage())?.limitHits ?? null;
        const memoryLimitHits = hitsBefore === null || hitsAfter === null ? {} : { memoryLimitHits: hitsAfter - hitsBefore };
        return { result: { ...run.result, quietWait, ...memoryLimitHits }, recorded: run.recorded };
      };
      /**
       * `--rescan-repeats` rescan phases of a fleet, each after 5 new approvals (its first round brings
       * them, later rounds find nothing new): labelled `<label>`, `<label> #2`…; profiled as
       * `<profileName>`, `<profileName>-2`…. Returns the first phase's recorded exchanges.
       */
      const rescanPhases = async (fleet: SimulatedComputer[], label: string, profileName: string, record: Pick<Parameters<typeof runFleetPhase>[3], 'recordWalks' | 'recordFrom'>): Promise<Exchange[]> => {
        let firstRecording: Exchange[] = [];
        for (let repeat = 0; repeat < (options.rescanRepeats ?? 1); repeat += 1) {
          await approveFresh(5);
          const suffix = repeat === 0 ? '' : ` #${repeat + 1}`;
          const re = await timedPhase('rescan', fleet, { concurrency: options.concurrency, rounds: options.rescanRounds, ...record, label: `${label}${suffix}` }, `${profileName}${repeat === 0 ? '' : `-${repeat + 1}`}`);
          phases.push(re.result);
          if (repeat === 0) firstRecording = re.recorded;
          options.log(`${options.name}: ${label}${suffix}: ${re.result.walks} in ${re.result.wallSeconds}s, p99 ${re.result.latencyMs.SyncUpdates?.p99} ms, errors ${re.result.errors}`);
        }
        return firstRecording;
      };
      if (options.proportionalFleet !== false) {
        const first = await timedPhase('first-scan', computers, { concurrency: options.concurrency, recordWalks: options.recordWalks }, 'first-scan');
        phases.push(first.result);
        recordings.push({ phase: 'first-scan', exchanges: first.recorded });
        options.log(`${options.name}: first scans: ${first.result.walks} in ${first.result.wallSeconds}s, errors ${first.result.errors}`);

        // The ceiling replays the first phase's recording (the same requests each time).
        recordings.push({ phase: 'rescan', exchanges: await rescanPhases(computers, 'rescan', 'rescan', { recordWalks: options.recordWalks, recordFrom: 'end' }) });
      }

      const perComputer = options.productsPerComputer ?? 0;
      if (perComputer > 0) {
        const label = `${perComputer} of ${catalog.products.length} products`;
        const fleet = productSetFleet(catalog, options, perComputer);
        const firstSet = await timedPhase('first-scan', fleet, { concurrency: options.concurrency, label: `first-scan (${label})` }, 'first-scan-products');
        phases.push(firstSet.result);
        options.log(`${options.name}: first scans (${label}): ${firstSet.result.walks} in ${firstSet.result.wallSeconds}s, ${firstSet.result.updatesOfferedPerWalk} offered per walk, errors ${firstSet.result.errors}`);
        // The product fleet's approvals start after the first fleet's first five, as they always did.
        nextUnapproved = Math.max(nextUnapproved, 5);
        await rescanPhases(fleet, `rescan (${label})`, 'rescan-products', {});
      }
      const afterScans = await sampleRss();

      let reports: ReportQueriesResult | null = null;
      if (options.reportComputers > 0) {
        const cpuBeforeReports = await cpuSeconds(serverPid);
        const measured = await profiled('reports', () => runReportLoad(server!.url, api, catalog.items.filter((i) => i.kind === 'leaf').map((i) => i.updateId), options, computers));
        const reportCpu = (await cpuSeconds(serverPid)) - cpuBeforeReports;
        reports = { ...measured, ingest: { ...measured.ingest, serverCpuSeconds: round(reportCpu, 1), serverCpuMsPerEvent: round((1000 * reportCpu) / Math.max(1, measured.statusesReported), 3) } };
        options.log(`${options.name}: report queries on ${reports.computers} computers done`);
      }

      // The ceiling: the same recorded requests against Watershed and against recorded bytes.
      const replayFile = path.join(dataDir, 'replay.jsonl');
      writeReplayFile(replayFile, recordings.flatMap((r) => r.exchanges));
      ceiling = await startCeilingServer({ replayFile });
      const comparisons: CeilingComparison[] = [];
      for (const { phase, exchanges } of recordings) {
        if (exchanges.length === 0) continue;
        const ours = await replayExchanges(server.url, 'watershed', exchanges, options.concurrency, options.replayPasses);
        const raw = await replayExchanges(ceiling.url, 'ceiling', exchanges, options.concurrency, options.replayPasses);
        comparisons.push({ phase, exchanges: exchanges.length, watershed: ours, ceiling: raw, ratio: round(ours.requestsPerSecond / Math.max(1e-9, raw.requestsPerSecond), 3) });
      }
      const errors =
        phases.reduce((n, p) => n + p.errors, 0) + comparisons.reduce((n, c) => n + c.watershed.errors + c.ceiling.errors, 0) + (reports?.errors ?? 0);
      // The store's whole database (event log and projections): PGlite's directory, or PostgreSQL's own count.
      const eventStoreBytes = database ? await databaseBytes(database.url) : await diskBytes(path.join(dataDir, 'pglite'));
      const { groupIds: _g, ...loadSummary } = load;
      const memoryCgroup = server.memoryCgroup;
      const cgroupUsage = memoryCgroup ? await memoryCgroup.usage() : null;
      return {
        scenario: options.name,
        catalog: { revisions: catalog.items.length, documents, approvals: load.approvals, downloadableFiles: catalog.downloadable.size, load: loadSummary },
        phases,
        ceiling: comparisons,
        reports,
        serverRssMiB: { atStart, afterLoad, afterScans, peak },
        ...(memoryCgroup && cgroupUsage
          ? {
              serverMemoryLimit: {
                limitMiB: round(memoryCgroup.limitBytes / 2 ** 20, 1),
                maxUsageMiB: cgroupUsage.maxUsageBytes === null ? null : round(cgroupUsage.maxUsageBytes / 2 ** 20, 1),
                limitHits: cgroupUsage.limitHits,
              },
            }
          : {}),
        eventStoreBytes,
        errors,
      };
    } finally {
      clearInterval(rssTimer);
      profiler?.close();
    }
  } finally {
    await ceiling?.stop();
    await server?.stop();
    await dropDatabase?.();
    await removeDataDir();
  }
}

/**
 * Computers that each have `perComputer` of the catalog's products installed (an OS and an
 * application or two, say), so each is applicable to its products' share of the catalog: the client
 * evaluates the Product categories and detectoid chains of its own products as installed and every
 * other product's as not installed, as the WUA test client's evaluator hook lets it. Deterministic:
 * computer i has product i mod P and then the next ones at a stride of 7 (so sets overlap unevenly).
 */
/** The catalog without its documents' XML and files: what the fleet phases read (kinds, ids, groups, products). */
function withoutDocuments(catalog: Catalog): Catalog {
  return { ...catalog, items: catalog.items.map((i) => ({ kind: i.kind, updateId: i.updateId, revisionNumber: i.revisionNumber, xml: '', files: [] })) };
}

function productSetFleet(catalog: Catalog, options: CatalogFleetOptions, perComputer: number): SimulatedComputer[] {
  const rng = new Prng(options.catalog.seed ^ 0x9e0d);
  const allProducts = new Set(catalog.products.map((p) => p.productId));
  const count = catalog.products.length;
  return Array.from({ length: options.clients }, (_, i) => {
    const mine = Array.from({ length: Math.min(perComputer, count) }, (_, k) => catalog.products[(i + 7 * k) % count]!);
    const products = new Set(mine.map((p) => p.productId));
    const detectoids = new Set(mine.flatMap((p) => p.detectoidIds));
    const evaluator: ApplicabilityEvaluator = (u) => {
      if (u.updateType === 'Category') return u.updateId !== undefined && allProducts.has(u.updateId) && !products.has(u.updateId) ? 'not-installed' : 'installed';
      if (u.updateType === 'Detectoid') return u.updateId !== undefined && detectoids.has(u.updateId) ? 'installed' : 'not-installed';
      return 'not-installed';
    };
    return {
      clientId: rng.uuid(),
      dnsName: `ps-${String(i).padStart(6, '0')}.${options.name}.bench.test`,
      group: catalog.clientGroups[i % catalog.clientGroups.length]!,
      ...(catalog.systemSpecs.length > 0 ? { systemSpec: catalog.systemSpecs[i % catalog.systemSpecs.length]! } : {}),
      evaluator,
    };
  });
}

/** Approvals reach the gateway's scan index through the log: wait until a probe's scan stops growing. */
function describeQuietWait(wait: QuietWait): string {
  const busy = wait.lastBusy === null ? '' : ` (last second ${Math.round(100 * wait.lastBusy)} % busy)`;
  return wait.quiet ? `machine quiet after ${wait.seconds.toFixed(1)} s${busy}` : `machine still busy after ${wait.seconds.toFixed(1)} s${busy}; timed anyway`;
}

async function waitForStableScope(baseUrl: string, group: string): Promise<void> {
  let previous = -1;
  for (let attempt = 0; attempt < 60; attempt += 1) {
    const probe = new WindowsUpdateAgentClient(baseUrl, { clientId: `00000000-0000-4000-8000-${String(attempt).padStart(12, '0')}`, dnsName: 'probe.bench.test', targetGroups: [group] });
    await probe.handshake();
    const offered = (await probe.syncSoftware(2000)).reduce((n, p) => n + p.newUpdates.length, 0);
    if (offered === previous) return;
    previous = offered;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * Report load through real traffic: each extra computer registers (auth, cookie, RegisterComputer)
 * and reports `eventsPerComputer` outcomes over catalog updates in batches, as WUA does; then the
 * report queries, timed, once the reporting projection has caught up.
 */
async function runReportLoad(baseUrl: string, api: AdminApi, updateIds: readonly string[], options: CatalogFleetOptions, scanners: readonly SimulatedComputer[]): Promise<ReportQueriesResult> {
  const recorder = new LatencyRecorder();
  const rng = new Prng(options.catalog.seed ^ 0xbeef);
  const ids = Array.from({ length: options.reportComputers }, () => rng.uuid());
  const batch = 50;
  let next = 0;
  let requests = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < ids.length) {
        const i = next++;
        const clientId = ids[i]!;
        const client = new WindowsUpdateAgentClient(baseUrl, { clientId, dnsName: `rpt-${String(i).padStart(6, '0')}.bench.test`, targetGroups: ['Sales'] });
        try {
          await client.getConfig();
          await client.getAuthorizationCookie();
          await client.getCookie();
          await client.registerComputer();
          const start = (i * 7919) % updateIds.length;
          for (let e = 0; e < options.eventsPerComputer; e += batch) {
            const events = Array.from({ length: Math.min(batch, options.eventsPerComputer - e) }, (_, k) => {
              const updateId = updateIds[(start + e + k) % updateIds.length]!;
              const roll = (i + e + k) % 10;
              return { eventInstanceId: rng.uuid(), eventId: roll < 6 ? 183 : roll < 8 ? 184 : roll < 9 ? 182 : 162, updateId, revisionNumber: 100, ...(roll === 8 ? { win32HResult: -2145124329 } : {}) };
            });
            if (!(await client.reportEvents(events))) throw new Error('ReportEventBatch answered false');
          }
          requests += client.timings.length;
          for (const t of client.timings) recorder.record(`report-load ${t.operation}`, t.ms);
        } catch {
          recorder.error('report-load');
        }
      }
    }),
  );
  const ingestSeconds = (performance.now() - started) / 1000;
  // Caught up when the last reporter's report shows all its statuses.
  const lagStarted = performance.now();
  const last = ids.at(-1)!;
  // A status can collapse (two events for one update), so "caught up" is also: no growth for 5 s.
  let visible = -1;
  let stableSince = performance.now();
  for (let i = 0; i < 1200; i += 1) {
    const r = await api.call<{ updates?: unknown[] }>('GET', `/api/v1/reports/computers/${last}`, undefined, [200, 404]);
    const n = r.body.updates?.length ?? 0;
    if (n >= Math.min(options.eventsPerComputer, updateIds.length)) break;
    if (n !== visible) {
      visible = n;
      stableSince = performance.now();
    } else if (n > 0 && performance.now() - stableSince > 5_000) break;
    await new Promise((res) => setTimeout(res, 500));
  }
  const projectionLagSeconds = (performance.now() - lagStarted) / 1000;

  const timed = async (name: string, url: string): Promise<void> => {
    const t0 = performance.now();
    try {
      await api.call('GET', url);
      recorder.record(name, performance.now() - t0);
    } catch {
      recorder.error(name);
    }
  };
  const sampleUpdates = Array.from({ length: 20 }, (_, k) => updateIds[(k * 104729) % updateIds.length]!);
  for (const u of sampleUpdates) await timed('GET /reports/updates/:id', `/api/v1/reports/updates/${u}`);
  for (const u of sampleUpdates.slice(0, 5)) await timed('GET /reports/updates/:id?byGroup', `/api/v1/reports/updates/${u}?byGroup=true`);
  for (let k = 0; k < 20; k += 1) await timed('GET /reports/computers/:id', `/api/v1/reports/computers/${ids[(k * 7907) % ids.length]}`);
  for (const c of scanners.slice(0, 5)) await timed('GET /reports/computers/:id', `/api/v1/reports/computers/${c.clientId}`);
  let after: string | undefined;
  for (let page = 0; page < 10; page += 1) {
    const t0 = performance.now();
    const r = await api.call<{ computers: unknown[]; next?: string | null; nextAfter?: string | null }>('GET', `/api/v1/reports/computers?limit=100${after ? `&after=${encodeURIComponent(after)}` : ''}`);
    recorder.record('GET /reports/computers (page of 100)', performance.now() - t0);
    after = r.body.next ?? r.body.nextAfter ?? undefined;
    if (!after) break;
  }
  for (let k = 0; k < 5; k += 1) await timed('GET /reports/groups', '/api/v1/reports/groups');
  await timed('GET /reports/computers?search', '/api/v1/reports/computers?limit=100&search=rpt-0001');
  const reported = ids.length * options.eventsPerComputer;
  return {
    computers: ids.length + scanners.length,
    statusesReported: reported,
    ingest: { requests, seconds: round(ingestSeconds, 1), eventsPerSecond: round(reported / ingestSeconds, 1), projectionLagSeconds: round(projectionLagSeconds, 1) },
    latencyMs: recorder.summary(),
    errors: recorder.totalErrors,
  };
}

/** pg_database_size of the bench's own PostgreSQL database. */
function databaseBytes(url: string): Promise<number> {
  return withPgClient(url, async (client) => {
    const { rows } = await client.query<{ bytes: string }>('SELECT pg_database_size(current_database())::text AS bytes');
    return Number(rows[0]!.bytes);
  });
}
