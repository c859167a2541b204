/**
 * `npm run bench`: runs the benchmark scenarios and prints a human-readable table and one JSON
 * document; also writes both, and SVG charts, to --out (default docs/benchmarks). `--quick` is a
 * small run used as a smoke test: it produces every number and asserts no timing.
 *
 * Scenarios (docs/benchmarks.md has the sizes of the full run and why):
 * - `scan-<N>`: a generated catalog of N revisions imported through the admin API, a fleet doing
 *   first scans then differential rescans, the same recorded requests replayed against a Fastify
 *   server answering recorded bytes (the ceiling), and report queries after a report load;
 * - `rescan-<M>`: a bigger catalog, a smaller fleet, rescans (the 100k-catalog question);
 * - `content-download`: 1 MiB ranges against Fastify streaming the same file;
 * - `reports` (not in the default set: ~an hour at full size): a fleet of --report-computers
 *   (default 100,000) over a catalog of --report-updates (default 10,000) revisions, seeded as real
 *   events in bulk, the projection's catch-up, then every report route timed (JSON and CSV) on
 *   PostgreSQL (--report-backend pglite for the embedded store). `--quick` runs it tiny on PGlite.
 * Any SOAP fault, protocol error or failed request makes the run fail (exit code 1).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CatalogOptions } from '../support/catalog/catalog-generator.js';
import { cpuPinningFromEnv, pinThisProcess } from './cpu-pinning.js';
import { latencyChartSvg } from './latency-chart.svg.js';
import { type CatalogFleetResult, runCatalogFleet } from './scenarios/catalog-fleet.scenario.js';
import { runContentDownload } from './scenarios/content-download.scenario.js';
import { undoInterruptedRun } from './interrupted-run.js';
import { median, rescanScaling } from './rescan-scaling.js';
import { type ReportScaleResult, runReportScale } from './scenarios/report-queries.scenario.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    revisions: { type: 'string' },
    'big-revisions': { type: 'string' },
    clients: { type: 'string' },
    concurrency: { type: 'string' },
    /** The scan scenario's extra reporting computers (default 1,000), and the reports scenario's fleet (default 100,000). */
    'report-computers': { type: 'string' },
    /** Reports scenario: catalog revisions (default 10,000), average statuses per computer (default 200). */
    'report-updates': { type: 'string' },
    'report-statuses': { type: 'string' },
    /** Reports scenario: postgres (default; PostgreSQL at WATERSHED_TEST_PG_URL) or pglite. */
    'report-backend': { type: 'string' },
    /** Reports scenario: reuse a database a run kept with --keep-report-db (same sizes): skip import and seed. */
    'report-db': { type: 'string' },
    'keep-report-db': { type: 'boolean', default: false },
    /** Reports scenario, PostgreSQL: VACUUM (ANALYZE) the read model before timing the queries. */
    'report-vacuum': { type: 'boolean', default: false },
    /** Reports scenario with --report-db: time the queries on what is projected so far, without waiting for the catch-up. */
    'report-partial': { type: 'boolean', default: false },
    'report-repeats': { type: 'string' },
    'skip-content': { type: 'boolean', default: false },
    /** Comma-separated subset of scan,rescan,content,reports (default: scan,rescan,content; --quick adds reports). */
    scenarios: { type: 'string' },
    'rescan-rounds': { type: 'string' },
    /** Rescan phases per fleet, each after 5 new approvals (default 1): more p99 samples from one import. */
    'rescan-repeats': { type: 'string' },
    /** Before each timed fleet phase, wait up to N seconds for the machine to go quiet (default 120; --quick: 0). */
    'quiet-wait': { type: 'string' },
    /** Documents per import-batch request (1 = the single import route per document). */
    'import-batch': { type: 'string' },
    /** pglite (default) or postgres: the server's event store (postgres: a fresh database on the test PostgreSQL). */
    store: { type: 'string' },
    /** Also run a fleet whose computers each have this many of the 24 products (0 = not run; --quick: 2). */
    'products-per-computer': { type: 'string' },
    /** With --products-per-computer: run only that fleet (no proportional fleet, no ceiling replay). */
    'products-fleet-only': { type: 'boolean', default: false },
    /** Directory for per-phase server CPU profiles (`.cpuprofile`; summarize with dist/test/bench/profile-summary.js). */
    profile: { type: 'string' },
  },
  strict: true,
});
const quick = values.quick === true;
const outDir = path.resolve(values.out ?? 'docs/benchmarks');
const selected = new Set((values.scenarios ?? (quick ? 'scan,rescan,content,reports' : 'scan,rescan,content')).split(',').map((v) => v.trim()));
for (const name of selected) if (!['scan', 'rescan', 'content', 'reports'].includes(name)) throw new Error(`--scenarios: unknown scenario ${name} (scan, rescan, content, reports)`);
if (values['skip-content'] === true) selected.delete('content');
const profileDir = values.profile === undefined ? undefined : path.resolve(values.profile);
if (profileDir) mkdirSync(profileDir, { recursive: true });
// The fleet's own profiles (fleet.ts): a directory that cannot be made stops the run now, not at the first phase's end.
const fleetProfileDir = process.env.BENCH_FLEET_PROFILE_DIR;
if (fleetProfileDir) {
  try {
    mkdirSync(fleetProfileDir, { recursive: true });
  } catch (error) {
    throw new Error(`BENCH_FLEET_PROFILE_DIR: cannot make ${fleetProfileDir} (${(error as Error).message})`);
  }
}
// BENCH_SERVER_CPUS / BENCH_FLEET_CPUS: checked before any work, and this process pinned now, so every
// thread and child it starts after inherits the fleet's cores (cpu-pinning.ts).
const cpuPinning = cpuPinningFromEnv();
pinThisProcess(cpuPinning);
const num = (v: string | undefined, fallback: number): number => (v === undefined ? fallback : Number(v));
/** A whole-number flag within [min, max], or the run stops before any work with the reason. */
const wholeNumber = (flag: keyof typeof values, fallback: number, min: number, max: number): number => {
  const raw = values[flag];
  const n = typeof raw === 'string' ? Number(raw) : fallback;
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${flag}: a whole number from ${min} to ${max}, not ${String(raw)}`);
  return n;
};
const store = values.store ?? 'pglite';
if (store !== 'pglite' && store !== 'postgres') throw new Error(`--store: pglite or postgres, not ${store}`);
const productsPerComputer = num(values['products-per-computer'], quick ? 2 : 0);
if (values['products-fleet-only'] === true && productsPerComputer <= 0) throw new Error('--products-fleet-only needs --products-per-computer');
const rescanRepeats = wholeNumber('rescan-repeats', 1, 1, 20);
const quietWaitSeconds = num(values['quiet-wait'], quick ? 0 : 120);
if (!Number.isInteger(quietWaitSeconds) || quietWaitSeconds < 0 || quietWaitSeconds > 3600) throw new Error(`--quiet-wait: whole seconds from 0 to 3600, not ${values['quiet-wait']}`);
const storeOptions = { store, productsPerComputer, rescanRepeats, quietWaitSeconds, proportionalFleet: values['products-fleet-only'] !== true, ...(values['import-batch'] === undefined ? {} : { importBatch: Number(values['import-batch']) }) } as const;
const log = (line: string): void => void process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
// Interrupted (a test's timeout, ^C): the servers this run started, its databases and data
// directories go with it, not left behind (interrupted-run.ts).
for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the servers this run started, removing its databases and data directories`);
    // What was in flight fails as its server stops: part of the interruption, not an error to die of
    // before the rest is undone (an uncaught failure would end the process mid-way).
    process.on('uncaughtException', (error) => log(`${signal}: in flight: ${error.message}`));
    void undoInterruptedRun(log).finally(() => process.exit(code));
  });
}

const MiB = 1024 * 1024;
const baseCatalog = (revisions: number, giant: boolean): CatalogOptions => ({
  seed: 20261125,
  revisions,
  contentEvery: quick ? 10 : 60,
  fileSizes: quick ? [64 * 1024, 1.5 * MiB] : [64 * 1024, 256 * 1024, 1 * MiB, 3 * MiB],
  largeEvery: quick ? 150 : 700,
  giantBytes: giant ? (quick ? 9 * MiB : 21 * MiB) : 0,
  approvedFraction: 0.3,
  // Driver updates beyond the software catalog, so the fleet's driver pass has devices to match.
  drivers: quick ? 12 : Math.round(revisions / 50),
});
// --big-revisions 10000,100000: the rescan scenario once per size, same fleet and phases, and a table of
// their p99 side by side (rescan-scaling.ts).
const bigSizes = values['big-revisions'] === undefined ? [quick ? 600 : 20_000] : values['big-revisions'].split(',').map((v) => Number(v.trim()));
if (bigSizes.some((n) => !Number.isInteger(n) || n < 100 || n > 1_000_000)) throw new Error(`--big-revisions: whole numbers from 100 to 1000000, separated by commas, not ${values['big-revisions']}`);
// Checked even where --quick sets its own sizes, so a typo never passes silently.
const flagSizes = {
  revisions: wholeNumber('revisions', 10_000, 100, 1_000_000),
  // Issue 5's first-scan scenario: 1,000 distinct computers on the 10k catalog.
  clients: wholeNumber('clients', 1_000, 1, 100_000),
  concurrency: wholeNumber('concurrency', 16, 1, 1_000),
  rescanRounds: wholeNumber('rescan-rounds', 10, 1, 1_000),
  reportComputers: wholeNumber('report-computers', 1_000, 0, 1_000_000),
};
const sizes = quick
  ? { revisions: 300, clients: 8, bigClients: 4, concurrency: 4, rescanRounds: 3, reportComputers: 30, events: 60 }
  : {
      ...flagSizes,
      bigClients: 20,
      events: 100,
    };

const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
  node: process.version,
  platform: `${os.type()} ${os.release()}`,
  /** Other work on the machine skews every number: the 1-minute load average at start and end. */
  loadAverageAtStart: os.loadavg()[0],
  /** Cores the server and the fleet were held to (BENCH_SERVER_CPUS, BENCH_FLEET_CPUS); null: not pinned. */
  cpuPinning: cpuPinning.server === null && cpuPinning.fleet === null ? null : cpuPinning,
};
const startedAt = new Date().toISOString();

const fleets: CatalogFleetResult[] = [];
if (selected.has('scan')) fleets.push(await runCatalogFleet({
  name: `scan-${sizes.revisions}`,
  catalog: baseCatalog(sizes.revisions, true),
  importConcurrency: 4,
  ...storeOptions,
  clients: sizes.clients,
  concurrency: sizes.concurrency,
  rescanRounds: sizes.rescanRounds,
  recordWalks: quick ? 2 : 8,
  replayPasses: quick ? 1 : 3,
  reportComputers: sizes.reportComputers,
  eventsPerComputer: sizes.events,
  log,
  ...(profileDir ? { profileDir } : {}),
}));
if (selected.has('rescan')) for (const big of bigSizes) fleets.push(await runCatalogFleet({
  name: `rescan-${big}`,
  catalog: { ...baseCatalog(big, false), seed: 20261126 },
  importConcurrency: 4,
  ...storeOptions,
  clients: sizes.bigClients,
  concurrency: Math.min(sizes.concurrency, sizes.bigClients),
  rescanRounds: quick ? 3 : values['rescan-rounds'] === undefined ? 25 : flagSizes.rescanRounds,
  recordWalks: quick ? 2 : 4,
  replayPasses: quick ? 1 : 3,
  reportComputers: 0,
  eventsPerComputer: 0,
  log,
  ...(profileDir ? { profileDir } : {}),
}));
let reportScale: ReportScaleResult | null = null;
if (selected.has('reports')) {
  const backend = values['report-backend'] ?? (quick ? 'pglite' : 'postgres');
  if (backend !== 'postgres' && backend !== 'pglite') throw new Error(`--report-backend: postgres or pglite, not ${backend}`);
  log('report queries at scale');
  reportScale = await runReportScale({
    computers: values['report-computers'] === undefined ? (quick ? 40 : 100_000) : flagSizes.reportComputers,
    revisions: quick ? num(values['report-updates'], 120) : num(values['report-updates'], 10_000),
    statusesPerComputer: quick ? num(values['report-statuses'], 40) : num(values['report-statuses'], 200),
    backend,
    repeats: num(values['report-repeats'], quick ? 1 : 5),
    ...(values['report-db'] ? { databaseUrl: values['report-db'] } : {}),
    keepDatabase: values['keep-report-db'] === true,
    vacuum: values['report-vacuum'] === true,
    partial: values['report-partial'] === true,
    seed: 20261126,
    log,
  });
}
let content: Awaited<ReturnType<typeof runContentDownload>> | null = null;
if (selected.has('content')) {
  log('content download');
  content = await runContentDownload(quick ? { fileMiB: 4, concurrency: [1, 4], rounds: 1 } : { fileMiB: 64, concurrency: [1, 8, 32, 64], rounds: 2, trials: 3, minRequests: 1024, quietWaitSeconds });
}

const scaling = rescanScaling(fleets);
const document = { kind: 'watershed-benchmark', version: 2, quick, startedAt, finishedAt: new Date().toISOString(), machine: { ...machine, loadAverageAtEnd: os.loadavg()[0] }, scenarios: [...fleets, ...(reportScale ? [reportScale] : []), ...(content ? [content] : [])], rescanScaling: scaling };

// Tables.
/** Columns aligned to the widest cell; a row shorter than the header is filled with '-'. */
const table = (rows: string[][]): string => {
  const filled = rows.map((r) => rows[0]!.map((_, c) => r[c] ?? '-'));
  const widths = rows[0]!.map((_, c) => Math.max(...filled.map((r) => r[c]!.length)));
  return filled.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')).join('\n');
};
const s = (n: number | null | undefined): string => (n === null || n === undefined ? '?' : String(n));
const phaseRows: string[][] = [['scenario', 'phase', 'clients', 'conc', 'walks', 'walks/s', 'walks/core-s', 'server ms/walk', 'req/s', 'SyncUpdates/walk', 'errors', 'quiet wait s', 'limit hits', 'fleet CPU s', 'client loop p99/max ms', 'fleet GC ms (major)', 'fleet heap MiB']];
// "server": the same calls as the server timed them (Server-Timing, server-timing.preload.ts).
// "sent→answered": from the fleet's send (stamped) to the server's answer: the server's time and its queue.
const opRows: string[][] = [['scenario', 'phase', 'operation', 'count', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors', 'server p50 ms', 'server p99 ms', 'server max ms', 'sent→answered p50 ms', 'sent→answered p99 ms', 'sent→answered max ms']];
for (const f of fleets) {
  for (const p of f.phases) {
    phaseRows.push([f.scenario, p.phase, s(p.clients), s(p.concurrency), s(p.walks), s(p.walksPerSecond), s(p.walksPerCoreSecond), s(p.serverCpuMsPerWalk), s(p.requestsPerSecond), s(p.syncUpdatesCallsPerWalk), s(p.errors), p.quietWait === undefined || p.quietWait.seconds === 0 ? '-' : `${p.quietWait.seconds.toFixed(1)}${p.quietWait.quiet ? '' : ' (busy)'}`, p.memoryLimitHits === undefined ? '-' : s(p.memoryLimitHits), s(p.fleetCpuSeconds), `${s(p.clientEventLoopDelayMs.p99)} / ${s(p.clientEventLoopDelayMs.max)}`, `${s(p.fleetGc.pauseMs)} (${s(p.fleetGc.majorPauseMs)} in ${s(p.fleetGc.majorCount)})`, s(p.fleetGc.heapUsedMiB)]);
    for (const [op, l] of Object.entries(p.latencyMs)) {
      const server = p.serverLatencyMs[op];
      const sentToAnswered = p.sentToAnsweredLatencyMs[op];
      const cells = (x: typeof server): string[] => (x ? [s(x.p50), s(x.p99), s(x.max)] : ['-', '-', '-']);
      opRows.push([f.scenario, p.phase, op, s(l.count), s(l.p50), s(l.p95), s(l.p99), s(l.max), s(l.errors), ...cells(server), ...cells(sentToAnswered)]);
    }
    for (const [round, summary] of Object.entries(p.latencyByRound ?? {})) {
      const l = summary.SyncUpdates;
      if (l) opRows.push([f.scenario, p.phase, `SyncUpdates (${round} round${round === 'first' ? '' : 's'})`, s(l.count), s(l.p50), s(l.p95), s(l.p99), s(l.max), s(l.errors)]);
    }
  }
  if (f.reports) for (const [op, l] of Object.entries(f.reports.latencyMs)) opRows.push([f.scenario, 'reports', op, s(l.count), s(l.p50), s(l.p95), s(l.p99), s(l.max), s(l.errors)]);
}
const ceilingRows: string[][] = [['scenario', 'phase', 'exchanges', 'conc', 'watershed req/s', 'ceiling req/s', 'ratio', 'watershed MB/s', 'ceiling MB/s']];
for (const f of fleets) for (const c of f.ceiling) ceilingRows.push([f.scenario, c.phase, s(c.exchanges), s(c.watershed.concurrency), s(c.watershed.requestsPerSecond), s(c.ceiling.requestsPerSecond), s(c.ratio), s(c.watershed.megabytesPerSecond), s(c.ceiling.megabytesPerSecond)]);
const serverRows: string[][] = [['scenario', 'revisions', 'imported', 'import docs/s', 'import s', 'server CPU ms/doc', 'by upload', 'largest doc MiB', 'RSS idle MiB', 'RSS after load MiB', 'RSS after scans MiB', 'peak RSS MiB', 'event store MiB']];
for (const f of fleets)
  serverRows.push([f.scenario, s(f.catalog.revisions), s(f.catalog.load.documents), s(f.catalog.load.documentsPerSecond), s(f.catalog.load.importSeconds), s(f.catalog.load.serverCpuMsPerDocument), s(f.catalog.load.uploadedDocuments), s(Math.round((10 * f.catalog.documents.largestBytes) / MiB) / 10), s(f.serverRssMiB.atStart), s(f.serverRssMiB.afterLoad), s(f.serverRssMiB.afterScans), s(f.serverRssMiB.peak), s(Math.round(f.eventStoreBytes / MiB))]);
const limitRows: string[][] = [['scenario', 'server memory limit MiB', 'max usage charged MiB (RSS + page cache)', 'times at the limit']];
for (const f of fleets) if (f.serverMemoryLimit) limitRows.push([f.scenario, s(f.serverMemoryLimit.limitMiB), s(f.serverMemoryLimit.maxUsageMiB), s(f.serverMemoryLimit.limitHits)]);
const contentRows: string[][] = [['scenario', 'server', 'concurrency', 'req/s', 'MB/s', 'MB/s of each trial', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'vs ceiling']];
const trialsOf = (run: { trialsMegabytesPerSecond?: number[] }): string => run.trialsMegabytesPerSecond?.join(' / ') ?? '-';
content?.watershed.forEach((run, i) => {
  const raw = content.ceiling[i]!;
  contentRows.push(['content-download', 'watershed', s(run.concurrency), s(run.requestsPerSecond), s(run.megabytesPerSecond), trialsOf(run), s(run.latencyMs.p50), s(run.latencyMs.p95), s(run.latencyMs.p99), s(run.errors), s(content.ratioToCeiling[i]!.ratio)]);
  contentRows.push(['content-download', 'ceiling (fastify)', s(raw.concurrency), s(raw.requestsPerSecond), s(raw.megabytesPerSecond), trialsOf(raw), s(raw.latencyMs.p50), s(raw.latencyMs.p95), s(raw.latencyMs.p99), s(raw.errors), '1']);
});
const reportRows: string[][] = [['scenario', 'query', 'count', 'p50 ms', 'p95 ms', 'max ms', 'errors']];
if (reportScale) for (const [q, l] of Object.entries(reportScale.latencyMs)) reportRows.push([reportScale.scenario, q, s(l.count), s(l.p50), s(l.p95), s(l.max), s(l.errors)]);
const scalingRows: string[][] = [['scenario', 'revisions', 'rescan phases', 'SyncUpdates p99 ms per phase', 'median p99 ms', 'median server-timed p99 ms', 'median sent→answered p99 ms', 'median server ms/walk', 'p99 vs smallest catalog', 'sent→answered p99 vs smallest']];
for (const r of scaling) scalingRows.push([r.scenario, s(r.revisions), s(r.phases), r.p99Ms.join(' / '), s(Math.round(100 * r.p99MedianMs) / 100), r.serverP99MedianMs === null ? '-' : s(Math.round(100 * r.serverP99MedianMs) / 100), r.sentToAnsweredP99MedianMs === null ? '-' : s(Math.round(100 * r.sentToAnsweredP99MedianMs) / 100), s(r.serverCpuMsPerWalkMedian), `${r.p99RatioToSmallest}x`, r.sentToAnsweredRatioToSmallest === null ? '-' : `${r.sentToAnsweredRatioToSmallest}x`]);
const pinningLine = machine.cpuPinning === null ? [] : [`cores: server on CPU ${machine.cpuPinning.server ?? 'any'}, fleet on CPU ${machine.cpuPinning.fleet ?? 'any'} (BENCH_SERVER_CPUS, BENCH_FLEET_CPUS)`];
const text = [...pinningLine, table(phaseRows), table(opRows), ...(scaling.length > 0 ? [table(scalingRows)] : []), table(ceilingRows), table(serverRows), ...(limitRows.length > 1 ? [table(limitRows)] : []), table(contentRows), ...(reportScale ? [table(reportRows)] : [])].join('\n\n');

mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(document, null, 2)}\n`);
writeFileSync(path.join(outDir, 'results.txt'), `${text}\n`);
if (content) writeFileSync(
  path.join(outDir, 'content-latency.svg'),
  latencyChartSvg(`Content download, ${content.fileMiB} MiB file in 1 MiB ranges: p99 latency`, 'concurrent clients', 'p99 latency (ms)', [
    { name: 'Watershed /Content', points: content.watershed.map((r) => ({ x: r.concurrency, y: r.latencyMs.p99 })) },
    { name: 'Fastify ceiling', points: content.ceiling.map((r) => ({ x: r.concurrency, y: r.latencyMs.p99 })) },
    ]),
  );
// Per fleet: the first first-scan phase's p99, and the median p99 over its rescan phases (any fleet, any repeat).
const syncP99s = (f: CatalogFleetResult, prefix: string): number[] =>
  f.phases.filter((p) => p.phase.startsWith(prefix) && p.latencyMs.SyncUpdates !== undefined).map((p) => p.latencyMs.SyncUpdates!.p99);
const points = (y: (f: CatalogFleetResult) => number | undefined): { x: number; y: number }[] =>
  fleets.flatMap((f) => {
    const value = y(f);
    return value === undefined ? [] : [{ x: f.catalog.revisions, y: value }];
  });
writeFileSync(
  path.join(outDir, 'scan-latency.svg'),
  latencyChartSvg('SyncUpdates p99 latency against catalog size', 'catalog revisions', 'p99 latency (ms)', [
    { name: 'first scan SyncUpdates', points: points((f) => syncP99s(f, 'first-scan')[0]) },
    { name: 'rescan SyncUpdates (median over phases)', points: points((f) => (syncP99s(f, 'rescan').length > 0 ? median(syncP99s(f, 'rescan')) : undefined)) },
    { name: 'ceiling (replayed)', points: points((f) => f.ceiling.find((c) => c.phase === 'rescan')?.ceiling.latencyMs.SyncUpdates?.p99) },
  ]),
);

process.stdout.write(`${text}\n\n(files in ${outDir})\n\n`);
process.stdout.write(`${JSON.stringify(document)}\n`);
const failures = fleets.reduce((n, f) => n + f.errors, 0) + (reportScale?.errors ?? 0) + [...(content?.watershed ?? []), ...(content?.ceiling ?? [])].reduce((n, r) => n + r.errors, 0);
if (failures > 0) {
  process.stderr.write(`bench: ${failures} failed requests or walks: the run is invalid\n${[...fleets.flatMap((f) => f.phases.flatMap((p) => p.firstErrors)), ...(reportScale?.firstErrors ?? [])].join('\n')}\n`);
  process.exitCode = 1;
}
