import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { constants as perfConstants, monitorEventLoopDelay, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { type ApplicabilityEvaluator, type SimulatedSystemSpec, WindowsUpdateAgentClient, type WuspTransport } from '../support/wua-client/wua-client.js';
import type { CatalogFile } from '../support/catalog/catalog-generator.js';
import { CpuProfiler } from './profiler.js';
import type { QuietWait } from './quiet-machine.js';
import { LatencyRecorder } from './stats.js';

/** One recorded SOAP exchange: what the ceiling server replays, byte for byte. */
export interface Exchange {
  readonly url: string;
  readonly soapAction: string;
  readonly acceptEncoding: string;
  readonly requestBody: string;
  readonly status: number;
  readonly contentEncoding: string | null;
  readonly responseBody: Buffer;
}

const recording = new AsyncLocalStorage<Exchange[]>();

// One pool of keep-alive sockets for every simulated computer, as many as calls can be in flight.
const fleetAgent = new http.Agent({ keepAlive: true, maxSockets: 1_000 });

/**
 * The fleet's SOAP transport: node:http on a keep-alive agent rather than fetch, whose WHATWG
 * streams cost the fleet more CPU per call than the server spends answering it (benchmarks.md,
 * "1,000 computers, measured apart"). Calls made inside recording.run() are recorded byte for byte
 * for the ceiling replay.
 */
const fleetTransport: WuspTransport = (url, headers, body) => {
  const sink = recording.getStore();
  const payload = Buffer.from(body, 'utf8');
  return new Promise((resolve, reject) => {
    // Stamped last, just before the request is handed to the socket: the server's preload times
    // from here to its parsing the headers (`queue;dur=`, server-timing.preload.ts).
    const sent = String(process.hrtime.bigint());
    const request = http.request(url, { method: 'POST', agent: fleetAgent, headers: { ...headers, 'Content-Length': String(payload.length), 'X-Bench-Sent-Ns': sent } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const responseBody = Buffer.concat(chunks);
        const header = (name: string): string | null => {
          const value = response.headers[name.toLowerCase()];
          return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
        };
        sink?.push({
          url: new URL(url).pathname,
          soapAction: headers.SOAPAction ?? '',
          acceptEncoding: headers['Accept-Encoding'] ?? '',
          requestBody: body,
          status: response.statusCode ?? 0,
          contentEncoding: header('content-encoding'),
          responseBody,
        });
        resolve({ status: response.statusCode ?? 0, header, body: responseBody });
      });
    });
    request.on('error', reject);
    request.end(payload);
  });
};

export interface SimulatedComputer {
  readonly clientId: string;
  readonly dnsName: string;
  readonly group: string;
  /** Devices and installed drivers sent in the driver pass (none: an empty SystemSpec). */
  readonly systemSpec?: SimulatedSystemSpec;
  /** What the client evaluates as installed (default: every category and detectoid, i.e. every product). */
  readonly evaluator?: ApplicabilityEvaluator;
  client?: WindowsUpdateAgentClient;
}

export interface FleetPhaseResult {
  readonly phase: string;
  readonly clients: number;
  readonly concurrency: number;
  readonly wallSeconds: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  /** Completed client walks (first scans or rescans). */
  readonly walks: number;
  readonly walksPerSecond: number;
  readonly serverCpuSeconds: number;
  /** Walks per second of server CPU: what one core sustains. */
  readonly walksPerCoreSecond: number;
  /** Server CPU milliseconds per walk (the "server time" of one scan). */
  readonly serverCpuMsPerWalk: number;
  readonly syncUpdatesCallsPerWalk: number;
  readonly updatesOfferedPerWalk: number;
  /** Rescans: revision ids the client sent per software-pass call (its cache: InstalledNonLeaf + OtherCached). */
  readonly cachedIdsPerCall?: number;
  readonly latencyMs: ReturnType<LatencyRecorder['summary']>;
  /**
   * The same calls timed by the server (its Server-Timing header, server-timing.preload.ts): from its
   * having parsed the request's headers to its writing the response's. What the client timed beyond
   * this is the network, the server's accept queue and the client's own delays.
   */
  readonly serverLatencyMs: ReturnType<LatencyRecorder['summary']>;
  /**
   * The same calls from the fleet's sending each request (stamped on the machine's monotonic clock)
   * to the server's writing its answer: the server-timed figure plus the network and the time the
   * request waited for the server's event loop. What the fleet timed beyond this is its own delay in
   * reading the answer. Only calls over the fleet's transport are stamped.
   */
  readonly sentToAnsweredLatencyMs: ReturnType<LatencyRecorder['summary']>;
  /** CPU seconds the bench process (every simulated computer) used during the phase, beside the server's. */
  readonly fleetCpuSeconds: number;
  /**
   * How late the fleet's own event loop ran its timers during the phase (perf_hooks, 5 ms
   * resolution): a client latency includes up to this much of the client's own blocking.
   */
  readonly clientEventLoopDelayMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /**
   * The fleet's own garbage collection during the phase (perf_hooks 'gc' entries): milliseconds
   * paused in all, and in mark-compact collections of its old generation, which grow with what the
   * simulated computers keep between walks; and its heap in use when the phase ended.
   */
  readonly fleetGc: { readonly pauseMs: number; readonly majorPauseMs: number; readonly majorCount: number; readonly heapUsedMiB: number };
  /**
   * Rescans of more than one round: the first round's latencies (it brings the changes made before
   * the phase, and its calls wait for what the server derives from them) and the later rounds'
   * apart, so a p99 can be told to be a first round's or a steady state's.
   */
  readonly latencyByRound?: { readonly first: ReturnType<LatencyRecorder['summary']>; readonly later: ReturnType<LatencyRecorder['summary']> };
  readonly errors: number;
  readonly firstErrors: string[];
  /** How long the phase waited for a quiet machine before it was timed (catalog-fleet.scenario.ts). */
  readonly quietWait?: QuietWait;
  /** Under BENCH_SERVER_MEMORY_LIMIT: times the server's memory cgroup hit its limit during the phase. */
  readonly memoryLimitHits?: number;
}

export interface FleetContext {
  readonly baseUrl: string;
  readonly downloadable: ReadonlyMap<string, CatalogFile>;
  /** CPU seconds (user + system) the server process has used so far. */
  readonly serverCpuSeconds: () => Promise<number>;
  /**
   * The most SyncUpdates calls one software pass may take before the client gives up (a server that
   * never stops paging). A first scan of a large approved scope needs scope ÷ page size calls, so the
   * scenario sizes it from its approvals; the client's own default (200) otherwise.
   */
  readonly maxSyncCalls?: number;
}

const RANGE = 1024 * 1024;

/**
 * First contact and full scan, as the Windows Update Agent does it: handshake, the staged software
 * loop, the driver pass, extended info for the leaf updates, file location + a ranged download of
 * one approved file (SHA-1 verified), and a report of the outcomes.
 */
async function firstScan(ctx: FleetContext, computer: SimulatedComputer, recorders: WalkRecorders, counters: { syncCalls: number; offered: number }): Promise<void> {
  const client = new WindowsUpdateAgentClient(ctx.baseUrl, { clientId: computer.clientId, dnsName: computer.dnsName, targetGroups: [computer.group] }, {
    // The fleet is one process for every computer: their caches keep ids and flags, not core XML.
    keepCoreXml: false,
    transport: fleetTransport,
    ...(computer.evaluator ? { evaluator: computer.evaluator } : {}),
  });
  computer.client = client;
  try {
    await client.handshake();
    const pages = await client.syncSoftware(ctx.maxSyncCalls);
    await client.syncDrivers(computer.systemSpec);
    counters.syncCalls += pages.length + 1;
    const offered = pages.flatMap((p) => p.newUpdates);
    counters.offered += offered.length;
    const leaves = offered.filter((u) => u.isLeaf && u.updateType === 'Software');
    if (leaves.length > 0) await client.getExtendedUpdateInfo(leaves.slice(0, 50).map((u) => u.revisionId), ['Extended', 'LocalizedProperties']);
    const withContent = leaves.find((u) => u.updateId !== undefined && ctx.downloadable.has(u.updateId));
    if (withContent) {
      const file = ctx.downloadable.get(withContent.updateId!)!;
      const [location] = await client.getFileLocations([file.sha1Base64]);
      if (!location?.url) throw new Error(`GetFileLocations: no location for ${file.fileName}`);
      await rangedDownload(location.url, file, recorders.client);
    }
    const reported = leaves.slice(0, 8);
    if (reported.length > 0) {
      const ok = await client.reportEvents(
        reported.map((u, i) => ({ eventInstanceId: eventInstanceId(computer.clientId, u.revisionId, 1), eventId: i === 0 ? 182 : 183, updateId: u.updateId!, revisionNumber: u.revisionNumber ?? 100, ...(i === 0 ? { win32HResult: -2145124329 } : {}) })),
      );
      if (!ok) throw new Error('ReportEventBatch answered false');
    }
  } finally {
    drain(client, recorders);
  }
}

/** A differential rescan: the software pass with the client's cache, then the driver pass. */
async function rescan(ctx: FleetContext, computer: SimulatedComputer, recorders: WalkRecorders, counters: { syncCalls: number; offered: number; cachedIds: number }): Promise<void> {
  const client = computer.client;
  if (!client) throw new Error(`${computer.clientId}: rescan before first scan`);
  try {
    counters.cachedIds += client.installedNonLeaf.size + client.otherCached.size;
    const pages = await client.syncSoftware(ctx.maxSyncCalls);
    await client.syncDrivers(computer.systemSpec);
    counters.syncCalls += pages.length + 1;
    counters.offered += pages.reduce((n, p) => n + p.newUpdates.length + p.changedUpdates.length, 0);
  } finally {
    drain(client, recorders);
  }
}

async function rangedDownload(url: string, file: CatalogFile, recorder: LatencyRecorder): Promise<void> {
  const hash = createHash('sha1');
  for (let start = 0; start < file.size; start += RANGE) {
    const end = Math.min(file.size, start + RANGE) - 1;
    const t0 = performance.now();
    const response = await fetch(url, { headers: { Range: `bytes=${start}-${end}` } });
    const body = Buffer.from(await response.arrayBuffer());
    if (response.status !== 206 || body.length !== end - start + 1) throw new Error(`content ${url} bytes=${start}-${end}: HTTP ${response.status}, ${body.length} bytes`);
    recorder.record('Content (1 MiB range)', performance.now() - t0);
    hash.update(body);
  }
  if (hash.digest('base64') !== file.sha1Base64) throw new Error(`content ${url}: SHA-1 does not match`);
}

/** Where a walk's timings go: the client's own (what the fleet saw) and the server's (Server-Timing). */
interface WalkRecorders {
  readonly client: LatencyRecorder;
  readonly server: LatencyRecorder;
  readonly sentToAnswered: LatencyRecorder;
}

function drain(client: WindowsUpdateAgentClient, recorders: WalkRecorders): void {
  for (const t of client.timings) {
    recorders.client.record(t.operation, t.ms);
    if (t.serverMs !== undefined) recorders.server.record(t.operation, t.serverMs);
    if (t.serverMs !== undefined && t.serverQueueMs !== undefined) recorders.sentToAnswered.record(t.operation, t.serverQueueMs + t.serverMs);
  }
  client.timings.length = 0;
}

function eventInstanceId(clientId: string, revisionId: number, round: number): string {
  const h = createHash('sha1').update(`${clientId}:${revisionId}:${round}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Under BENCH_FLEET_PROFILE_DIR, a CPU profile of the fleet (this process) for one phase, written as
 * `fleet-<phase>.cpuprofile` there: what the simulated computers cost, apart from the server's
 * profiles (--profile). profile-summary.ts prints it.
 */
async function fleetProfiled<T>(phase: string, work: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_FLEET_PROFILE_DIR;
  if (!dir) return work();
  const profiler = await CpuProfiler.inProcess(dir);
  try {
    return await profiler.around(`fleet-${phase.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '')}`, work);
  } finally {
    profiler.close();
  }
}

/**
 * Runs one phase over the fleet with `concurrency` clients in flight. Exchanges of the first
 * `recordWalks` walks are recorded for the ceiling. Any error is counted and fails the run.
 */
export async function runFleetPhase(
  ctx: FleetContext,
  phase: 'first-scan' | 'rescan',
  computers: readonly SimulatedComputer[],
  options: { concurrency: number; rounds?: number; recordWalks?: number; recordFrom?: 'start' | 'end'; label?: string },
): Promise<{ result: FleetPhaseResult; recorded: Exchange[] }> {
  // The client's own event loop: a response that lands while it is blocked (the fleet's own CPU, its
  // garbage collection) is timed late by that much, which is the client's delay, not the server's.
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const gc = { pauseMs: 0, majorPauseMs: 0, majorCount: 0 };
  const countGc = (entries: readonly PerformanceEntry[]): void => {
    for (const entry of entries) {
      gc.pauseMs += entry.duration;
      if ((entry as { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) {
        gc.majorPauseMs += entry.duration;
        gc.majorCount += 1;
      }
    }
  };
  const gcObserver = new PerformanceObserver((entries) => countGc(entries.getEntries()));
  gcObserver.observe({ entryTypes: ['gc'] });
  const recorder = new LatencyRecorder();
  const byRound = { first: new LatencyRecorder([recorder]), later: new LatencyRecorder([recorder]) };
  const serverRecorder = new LatencyRecorder();
  const sentToAnsweredRecorder = new LatencyRecorder();
  const splitRounds = phase === 'rescan' && (options.rounds ?? 1) > 1;
  const counters = { syncCalls: 0, offered: 0, cachedIds: 0 };
  const recorded: Exchange[] = [];
  const firstErrors: string[] = [];
  const work: SimulatedComputer[] = [];
  for (let r = 0; r < (options.rounds ?? 1); r += 1) work.push(...computers);
  let next = 0;
  let walks = 0;
  const cpu0 = await ctx.serverCpuSeconds();
  const fleetCpu0 = process.cpuUsage();
  const started = performance.now();
  await fleetProfiled(options.label ?? phase, () => Promise.all(
    Array.from({ length: Math.min(options.concurrency, work.length) }, async () => {
      while (next < work.length) {
        const index = next++;
        const computer = work[index]!;
        const walkRecorders = { client: !splitRounds ? recorder : index < computers.length ? byRound.first : byRound.later, server: serverRecorder, sentToAnswered: sentToAnsweredRecorder };
        const walk = (): Promise<void> => (phase === 'first-scan' ? firstScan(ctx, computer, walkRecorders, counters) : rescan(ctx, computer, walkRecorders, counters));
        try {
          const recordIt = options.recordFrom === 'end' ? index >= work.length - (options.recordWalks ?? 0) : index < (options.recordWalks ?? 0);
          if (recordIt) await recording.run(recorded, walk);
          else await walk();
          walks += 1;
        } catch (error) {
          recorder.error(phase);
          if (firstErrors.length < 5) firstErrors.push(`${computer.clientId}: ${(error as Error).message.slice(0, 300)}`);
        }
      }
    }),
  ));
  const wallSeconds = (performance.now() - started) / 1000;
  loopDelay.disable();
  // Entries still buffered are delivered by takeRecords(); the phase's last collections count too.
  countGc(gcObserver.takeRecords());
  gcObserver.disconnect();
  const fleetCpu = process.cpuUsage(fleetCpu0);
  const serverCpuSeconds = (await ctx.serverCpuSeconds()) - cpu0;
  const latencyMs = recorder.summary();
  const requests = Object.values(latencyMs).reduce((n, s) => n + s.count, 0);
  return {
    recorded,
    result: {
      phase: options.label ?? phase,
      clients: computers.length,
      concurrency: options.concurrency,
      wallSeconds: r2(wallSeconds),
      requests,
      requestsPerSecond: r2(requests / wallSeconds),
      walks,
      walksPerSecond: r2(walks / wallSeconds),
      serverCpuSeconds: r2(serverCpuSeconds),
      walksPerCoreSecond: r2(walks / Math.max(1e-3, serverCpuSeconds)),
      serverCpuMsPerWalk: r2((serverCpuSeconds * 1000) / Math.max(1, walks)),
      syncUpdatesCallsPerWalk: r2(counters.syncCalls / Math.max(1, walks)),
      updatesOfferedPerWalk: r2(counters.offered / Math.max(1, walks)),
      ...(phase === 'rescan' ? { cachedIdsPerCall: r2(counters.cachedIds / Math.max(1, walks)) } : {}),
      latencyMs,
      serverLatencyMs: serverRecorder.summary(),
      sentToAnsweredLatencyMs: sentToAnsweredRecorder.summary(),
      fleetCpuSeconds: r2((fleetCpu.user + fleetCpu.system) / 1e6),
      fleetGc: { pauseMs: Math.round(gc.pauseMs), majorPauseMs: Math.round(gc.majorPauseMs), majorCount: gc.majorCount, heapUsedMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20) },
      clientEventLoopDelayMs: { p50: r2(loopDelay.percentile(50) / 1e6), p99: r2(loopDelay.percentile(99) / 1e6), max: r2(loopDelay.max / 1e6) },
      ...(splitRounds ? { latencyByRound: { first: byRound.first.summary(), later: byRound.later.summary() } } : {}),
      errors: recorder.totalErrors,
      firstErrors,
    },
  };
}

const r2 = (n: number): number => Math.round(n * 100) / 100;
