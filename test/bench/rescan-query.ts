/**
 * Rescan query: the CPU of the SyncUpdates query itself (sync-updates.query.ts, the software pass) on
 * a differential rescan, in-process, at a given catalog size, without HTTP, cookies or a fleet. The
 * 100k rescan benchmark spends more per call than the 10k one on a smaller client cache; this tells
 * the query's share of that apart from the request's parse and the response, in a minute instead of
 * the 26 a 100k benchmark run takes.
 *
 *   npm exec -- node dist/test/bench/rescan-query.js [--revisions 100000] [--products-per-computer 2]
 *     [--clients 20] [--rounds 25] [--approval-rounds 1] [--profile FILE] [--no-settled]
 *
 * The catalog is the rescan scenario's (same generator and seed) applied to a scan index as
 * scope-rebuild.ts does. Each computer is in one client group and, with --products-per-computer, has
 * that many products installed as the benchmark's product-set fleet does (0: every product, as the
 * proportional fleet). Each first-scans until nothing new comes (evaluating non-leaf updates as the
 * fleet's evaluator does). Then, `--approval-rounds` times, 5 new approvals of Workstations and one
 * round of one software-pass rescan per computer (what the benchmark's first rescan round waits for;
 * `--profile FILE` writes a CPU profile of these rounds only), then `--rounds` rounds with nothing
 * new, each timed with the process's CPU clock.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { ALL_COMPUTERS_GROUP_ID } from '#contracts';
import type { UpdateInfo } from '#wsus-codecs';
import type { RevisionEntry } from '../../libs/soap-gateway/src/scan-index/domain/scan-index.state.js';
import { rescanCatalogIndex } from './rescan-catalog-index.js';
import { syncUpdates } from '../../libs/soap-gateway/src/sync-updates/domain/sync-updates.query.js';
import { SettledScans } from '../../libs/soap-gateway/src/sync-updates/domain/settled-scans.js';

const { values } = parseArgs({
  options: {
    revisions: { type: 'string', default: '100000' },
    'products-per-computer': { type: 'string', default: '2' },
    clients: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '25' },
    'approval-rounds': { type: 'string', default: '1' },
    profile: { type: 'string' },
    'no-settled': { type: 'boolean', default: false },
  },
  strict: true,
});
const revisions = Number(values.revisions);
const perComputer = Number(values['products-per-computer']);
const clients = Number(values.clients);
const rounds = Number(values.rounds);
const approvalRounds = Number(values['approval-rounds']);
for (const [name, value] of [['revisions', revisions], ['products-per-computer', perComputer], ['clients', clients], ['rounds', rounds], ['approval-rounds', approvalRounds]] as const) {
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name}: a whole number, got ${String(value)}`);
}
const log = (line: string): void => void process.stderr.write(`[rescan-query] ${line}\n`);
const { catalog, index, groupIds, seconds } = rescanCatalogIndex(revisions);
log(`${catalog.items.length} documents, ${catalog.approvals.length} approvals applied in ${seconds.toFixed(1)} s`);

const { view } = index;
const allProducts = new Set(catalog.products.map((p) => p.productId));
type Installed = (revision: RevisionEntry) => boolean;
interface Computer {
  readonly computerId: string;
  readonly groupIds: readonly string[];
  readonly installed: Installed;
  readonly installedNonLeaf: number[];
  readonly otherCached: number[];
  anchor: string | null;
}
const computers: Computer[] = Array.from({ length: clients }, (_, i) => {
  const group = catalog.clientGroups[i % catalog.clientGroups.length]!;
  const mine = perComputer === 0 ? catalog.products : Array.from({ length: Math.min(perComputer, catalog.products.length) }, (_, k) => catalog.products[(i + 7 * k) % catalog.products.length]!);
  const products = new Set(mine.map((p) => p.productId));
  const detectoids = new Set(mine.flatMap((p) => p.detectoidIds));
  // The benchmark fleet's evaluator (catalog-fleet.scenario.ts productSetFleet); every product is installed with 0.
  const installed: Installed = (r) =>
    r.updateType === 'Category' ? perComputer === 0 || !allProducts.has(r.updateId) || products.has(r.updateId) : r.updateType === 'Detectoid' && (perComputer === 0 || detectoids.has(r.updateId));
  // Assigned in the log as well as named in the cookie: the scope is the group's in either targeting mode.
  index.assign(`pc-${i}`, groupIds.get(group)!);
  return { computerId: `pc-${i}`, groupIds: [groupIds.get(group)!, ALL_COMPUTERS_GROUP_ID], installed, installedNonLeaf: [], otherCached: [], anchor: null };
});

/** As the SyncUpdates handler keeps one per gateway (--no-settled: none, to measure the walk it saves). */
const settled = values['no-settled'] === true ? undefined : new SettledScans();

function call(computer: Computer): UpdateInfo[] {
  const first = computer.installedNonLeaf.length === 0 && computer.otherCached.length === 0;
  const outcome = syncUpdates(view, {
    computerId: computer.computerId,
    cookieGroupIds: computer.groupIds,
    clientProtocolVersion: '2.90',
    lastSyncAnchor: computer.anchor,
    parameters: { expressQuery: false, skipSoftwareSync: false, ...(first ? {} : { installedNonLeafUpdateIds: computer.installedNonLeaf, otherCachedUpdateIds: computer.otherCached }) },
  }, undefined, settled);
  computer.anchor = outcome.lastSyncAnchor;
  const offered = [...(outcome.result.newUpdates ?? [])];
  for (const update of offered) {
    const revision = view.revision(update.id)!;
    // A non-leaf update the client evaluates as not installed is cached, not reported installed.
    (!update.isLeaf && computer.installed(revision) ? computer.installedNonLeaf : computer.otherCached).push(update.id);
  }
  if (outcome.result.truncated) offered.push(...call(computer));
  return offered;
}

let firstScanCalls = 0;
const firstScanStart = process.cpuUsage();
for (const computer of computers) {
  for (let guard = 0; guard < 1000; guard += 1) {
    firstScanCalls += 1;
    if (call(computer).length === 0) break;
  }
}
const firstCpu = process.cpuUsage(firstScanStart);
const cached = computers.reduce((n, c) => n + c.installedNonLeaf.length + c.otherCached.length, 0) / computers.length;
log(`first scans: ${firstScanCalls} calls, ${((firstCpu.user + firstCpu.system) / 1000).toFixed(0)} ms CPU; ${cached.toFixed(0)} cached ids per computer`);

const approved = new Set(catalog.approvals.map((a) => a.updateId));
const fresh = catalog.items.filter((i) => (i.kind === 'leaf' || i.kind === 'bundle') && !approved.has(i.updateId));
const cpuMicros = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return used.user + used.system;
};

// What the first round after new approvals costs (scopes derived, memos refilled), --approval-rounds times,
// profiled with --profile: the benchmark's first rescan round waits for it with every call in flight.
const profiler = values.profile === undefined ? undefined : new Session();
if (profiler !== undefined) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.setSamplingInterval', { interval: 100 });
  await profiler.post('Profiler.start');
}
const firstRounds: number[] = [];
for (let repeat = 0; repeat < approvalRounds; repeat += 1) {
  for (const item of fresh.slice(repeat * 5, (repeat + 1) * 5)) index.approve(item.updateId, groupIds.get('Workstations')!, 'Install');
  const start = process.cpuUsage();
  for (const computer of computers) call(computer);
  firstRounds.push(cpuMicros(start) / computers.length);
}
if (profiler !== undefined) {
  const { profile } = await profiler.post('Profiler.stop');
  writeFileSync(values.profile!, JSON.stringify(profile));
  profiler.disconnect();
}

const perRound: number[] = [];
for (let round = 0; round < rounds; round += 1) {
  const start = process.cpuUsage();
  for (const computer of computers) call(computer);
  perRound.push(cpuMicros(start) / computers.length);
}
const sorted = (list: readonly number[]): number[] => [...list].sort((a, b) => a - b);
const median = (list: readonly number[]): number => sorted(list)[Math.floor(list.length / 2)] ?? Number.NaN;
log(`first round after 5 new approvals: median ${median(firstRounds).toFixed(0)} µs per call over ${firstRounds.length} (${firstRounds.map((v) => v.toFixed(0)).join(', ')})`);
log(`later rounds: median ${median(perRound).toFixed(0)} µs per call (min ${sorted(perRound)[0]?.toFixed(0)}, max ${sorted(perRound).at(-1)?.toFixed(0)})`);
