/**
 * Rescan A/B: server CPU per differential rescan walk of two or more builds, measured alternately on one
 * imported catalog, so that a change of a few percent can be told from the shared machine's noise.
 *
 *   npm exec -- node dist/test/bench/rescan-ab.js --build base=/path/to/other/checkout [--build …]
 *     [--revisions 10000] [--clients 100] [--concurrency 16] [--rounds 5] [--alternations 4]
 *
 * The catalog (the scan scenario's, without the giant document) is imported once by this checkout's
 * server into one data directory; the fleet first-scans once. Then each alternation starts the base
 * build's server and this checkout's server in turn on that data directory (the cookie key lives
 * there, so the clients' cookies stay valid), runs one unmeasured warm-up round (JIT, scan-index
 * memos), then `--rounds` rounds of rescans with the CPU of the server process read from /proc.
 * Each `--build label=dir` is a checkout with its own built `dist/` and `package.json` (e.g. `git
 * worktree add` of main, then `npm run build`); this checkout is always measured too, as `this`.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateCatalog } from '../support/catalog/catalog-generator.js';
import { Prng } from '../support/catalog/prng.js';
import { WindowsUpdateAgentClient } from '../support/wua-client/wua-client.js';
import { AdminApi, loadCatalog } from './catalog-loader.js';
import { type FleetContext, runFleetPhase, type SimulatedComputer } from './fleet.js';
import { type BenchProcess, cpuSeconds, startWatershedForBench } from './processes.js';

const { values } = parseArgs({
  options: {
    build: { type: 'string', multiple: true },
    revisions: { type: 'string', default: '10000' },
    clients: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '5' },
    alternations: { type: 'string', default: '4' },
  },
  strict: true,
});
const builds = [
  ...(values.build ?? []).map((b) => {
    const at = b.indexOf('=');
    if (at <= 0) throw new Error(`--build label=dir, not ${b}`);
    return { label: b.slice(0, at), root: path.resolve(b.slice(at + 1)) };
  }),
  { label: 'this', root: process.cwd() },
];
if (builds.length < 2) throw new Error('--build label=<checkout with a built dist/> is required');
const revisions = Number(values.revisions);
const clients = Number(values.clients);
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);
const alternations = Number(values.alternations);
const log = (line: string): void => void process.stderr.write(`[rescan-ab ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

const catalog = generateCatalog({
  seed: 20261125,
  revisions,
  contentEvery: 60,
  fileSizes: [64 * 1024],
  largeEvery: 700,
  giantBytes: 0,
  approvedFraction: 0.3,
  drivers: Math.round(revisions / 50),
});
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-rescan-ab-'));
const token = randomBytes(32).toString('hex');
const env = { WATERSHED_DATA_DIR: dataDir, WATERSHED_ADMIN_TOKENS: token };

// One port for every server start: the simulated clients keep the base URL they were made with.
const port = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const address = probe.address();
    probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
  });
});

async function start(root: string): Promise<BenchProcess> {
  const server = await startWatershedForBench(env, { startTimeoutMs: 300_000, root, port });
  // Serving starts before the scan index has replayed the log: wait until a scan is answered.
  for (let attempt = 0; ; attempt += 1) {
    try {
      const probe = new WindowsUpdateAgentClient(server.url, { clientId: `00000000-0000-4000-8000-${String(attempt).padStart(12, '0')}`, dnsName: 'probe.ab.test', targetGroups: [catalog.clientGroups[0]!] });
      await probe.handshake();
      await probe.syncSoftware(2000);
      return server;
    } catch (error) {
      if (attempt > 120) throw error;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

const results: Record<string, number[]> = Object.fromEntries(builds.map((b) => [b.label, []]));
const idle: Record<string, number[]> = Object.fromEntries(builds.map((b) => [b.label, []]));
let server: BenchProcess | null = null;
try {
  server = await start(builds[builds.length - 1]!.root);
  const api = new AdminApi(server.url, token);
  const loaded = await loadCatalog(api, catalog, { concurrency: 4, log });
  log(`imported ${loaded.documents} documents, ${loaded.approvals} approvals`);
  const rng = new Prng(20261125 ^ 0x5eed);
  const computers: SimulatedComputer[] = Array.from({ length: clients }, (_, i) => ({
    clientId: rng.uuid(),
    dnsName: `ab-${String(i).padStart(6, '0')}.bench.test`,
    group: catalog.clientGroups[i % catalog.clientGroups.length]!,
    ...(catalog.systemSpecs.length > 0 ? { systemSpec: catalog.systemSpecs[i % catalog.systemSpecs.length]! } : {}),
  }));
  const context = (s: BenchProcess): FleetContext => ({ baseUrl: s.url, downloadable: catalog.downloadable, serverCpuSeconds: () => cpuSeconds(s.pid), maxSyncCalls: Math.max(200, 2 * Math.ceil(catalog.approvals.length / 30)) });
  const first = await runFleetPhase(context(server), 'first-scan', computers, { concurrency });
  log(`first scans: ${first.result.walks} walks, errors ${first.result.errors}`);
  await server.stop();
  server = null;

  for (let a = 0; a < alternations; a += 1) {
    // Alternate which build goes first, so a trend in the machine's load does not favour one.
    const order = a % 2 === 0 ? builds : [...builds].reverse();
    for (const build of order) {
      server = await start(build.root);
      const ctx = context(server);
      await runFleetPhase(ctx, 'rescan', computers, { concurrency, rounds: 1 });
      // What the server burns with nobody calling (projection runners and followers polling the store):
      // it is in every phase's CPU, in proportion to the phase's wall time.
      const idle0 = await cpuSeconds(server.pid);
      await new Promise((r) => setTimeout(r, 5000));
      const idleMsPerSecond = ((await cpuSeconds(server.pid)) - idle0) * 200;
      idle[build.label]!.push(idleMsPerSecond);
      const measured = await runFleetPhase(ctx, 'rescan', computers, { concurrency, rounds });
      const r = measured.result;
      if (r.errors > 0) throw new Error(`${build.label}: ${r.errors} errors: ${r.firstErrors.join('; ')}`);
      results[build.label]!.push(r.serverCpuMsPerWalk);
      const p99 = r.latencyMs.SyncUpdates?.p99;
      log(`alternation ${a + 1} ${build.label}: ${r.serverCpuMsPerWalk} ms CPU per walk (${r.walksPerCoreSecond}/core-s), SyncUpdates p99 ${p99} ms, ${r.wallSeconds}s wall, idle ${idleMsPerSecond.toFixed(0)} ms CPU/s, load ${os.loadavg()[0]!.toFixed(1)}`);
      await server.stop();
      server = null;
    }
  }
  const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
  const summary = Object.fromEntries(Object.entries(results).map(([k, xs]) => [k, { msPerWalk: xs, mean: Number(mean(xs).toFixed(3)), median: median(xs), idleMsPerSecond: idle[k] }]));
  process.stdout.write(`${JSON.stringify({ revisions, clients, concurrency, rounds, summary }, null, 2)}\n`);
} finally {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
