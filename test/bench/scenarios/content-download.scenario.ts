import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BenchProcess, startCeilingServer, startWatershedForBench } from '../processes.js';
import { undoOnInterrupt } from '../interrupted-run.js';
import { type QuietWait, waitForQuietMachine } from '../quiet-machine.js';
import { LatencyRecorder, type LatencySummary, round, rssMiB } from '../stats.js';

export interface DownloadRun {
  readonly concurrency: number;
  readonly requestsPerSecond: number;
  readonly megabytesPerSecond: number;
  readonly latencyMs: LatencySummary;
  readonly errors: number;
  /** How long the run waited for a quiet machine before it was timed (--quiet-wait). */
  readonly quietWait?: QuietWait;
  /** Each client's passes over the file's ranges in one timed run. */
  readonly rounds?: number;
  /** With several trials per level: every trial's MB/s, in the order run; this run is the median one. */
  readonly trialsMegabytesPerSecond?: number[];
}

export interface ContentDownloadResult {
  readonly scenario: 'content-download';
  readonly fileMiB: number;
  readonly rangeMiB: number;
  readonly watershed: DownloadRun[];
  readonly ceiling: DownloadRun[];
  /** Watershed throughput over the raw file server's, per concurrency level (target ≥ 0.8). */
  readonly ratioToCeiling: { concurrency: number; ratio: number }[];
  readonly serverRssMiB: number | null;
}

const MiB = 1024 * 1024;

/**
 * Many clients downloading one update file in shuffled 1 MiB ranges, as BITS and Delivery
 * Optimization do, against Watershed's /Content route and against the same HTTP stack (Fastify) streaming the same
 * file with no application logic (the ceiling), at each concurrency level.
 */
export interface ContentDownloadOptions {
  readonly fileMiB: number;
  readonly concurrency: readonly number[];
  /** Each client's passes over the file per timed run, at least. */
  readonly rounds: number;
  readonly quietWaitSeconds?: number;
  /**
   * Timed runs per server and level, alternating which server goes first; each level reports each
   * server's median run. One run of a level is a fraction of a second at one client, where one
   * scheduling hiccup on a shared machine moves the ratio by 20 % (0.69–1.23 between runs of one build).
   */
  readonly trials?: number;
  /** Requests per timed run, at least: more rounds for the levels with few clients. */
  readonly minRequests?: number;
}

export async function runContentDownload(options: ContentDownloadOptions): Promise<ContentDownloadResult> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-bench-content-'));
  const removeDataDir = undoOnInterrupt(() => rmSync(dataDir, { recursive: true, force: true }));
  const contentDir = path.join(dataDir, 'content');
  const bytes = randomBytes(options.fileMiB * MiB);
  const sha1 = createHash('sha1').update(bytes).digest('hex').toUpperCase();
  mkdirSync(path.join(contentDir, sha1.slice(-2)), { recursive: true });
  writeFileSync(path.join(contentDir, sha1.slice(-2), `${sha1}.cab`), bytes);
  const urlPath = `/Content/${sha1.slice(-2)}/${sha1}.cab`;

  let watershed: BenchProcess | null = null;
  let ceiling: BenchProcess | null = null;
  try {
    watershed = await startWatershedForBench({ WATERSHED_DATA_DIR: dataDir });
    ceiling = await startCeilingServer({ contentDir });
    const ours: DownloadRun[] = [];
    const raw: DownloadRun[] = [];
    const oursUrl = `${watershed.url}${urlPath}`;
    const rawUrl = `${ceiling.url}${urlPath}`;
    // Untimed, once each: both servers' route code compiled and the file in the page cache before the
    // first timed level, which would otherwise charge a cold start to whichever ran first (Watershed).
    await downloadRun(oursUrl, bytes.length, 4, 1);
    await downloadRun(rawUrl, bytes.length, 4, 1);
    // Each timed run after the machine went quiet, and the order alternated by level, so neither
    // server is always the one measured right after the other's load.
    const rangesPerFile = Math.ceil(bytes.length / MiB);
    const timed = async (url: string, concurrency: number, rounds: number): Promise<DownloadRun> => {
      const quietWait = await waitForQuietMachine({ maxSeconds: options.quietWaitSeconds ?? 0 });
      return { ...(await downloadRun(url, bytes.length, concurrency, rounds)), rounds, ...(quietWait.seconds > 0 ? { quietWait } : {}) };
    };
    const trials = Math.max(1, options.trials ?? 1);
    for (const [level, concurrency] of options.concurrency.entries()) {
      const rounds = Math.max(options.rounds, Math.ceil((options.minRequests ?? 0) / (concurrency * rangesPerFile)));
      const oursTrials: DownloadRun[] = [];
      const rawTrials: DownloadRun[] = [];
      for (let trial = 0; trial < trials; trial += 1) {
        if ((level + trial) % 2 === 0) {
          oursTrials.push(await timed(oursUrl, concurrency, rounds));
          rawTrials.push(await timed(rawUrl, concurrency, rounds));
        } else {
          rawTrials.push(await timed(rawUrl, concurrency, rounds));
          oursTrials.push(await timed(oursUrl, concurrency, rounds));
        }
      }
      ours.push(medianRun(oursTrials));
      raw.push(medianRun(rawTrials));
    }
    return {
      scenario: 'content-download',
      fileMiB: options.fileMiB,
      rangeMiB: 1,
      watershed: ours,
      ceiling: raw,
      ratioToCeiling: ours.map((run, i) => ({ concurrency: run.concurrency, ratio: round(run.megabytesPerSecond / Math.max(1e-9, raw[i]!.megabytesPerSecond), 3) })),
      serverRssMiB: await rssMiB(watershed.pid),
    };
  } finally {
    await watershed?.stop();
    await ceiling?.stop();
    await removeDataDir();
  }
}

/** The run with the median throughput (the lower middle one of an even count), with every trial's figure when there were several. */
export function medianRun(runs: readonly DownloadRun[]): DownloadRun {
  if (runs.length === 0) throw new Error('medianRun: no runs');
  const sorted = [...runs].sort((a, b) => a.megabytesPerSecond - b.megabytesPerSecond);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return runs.length === 1 ? median : { ...median, trialsMegabytesPerSecond: runs.map((r) => r.megabytesPerSecond) };
}

async function downloadRun(url: string, size: number, concurrency: number, rounds: number): Promise<DownloadRun> {
  const recorder = new LatencyRecorder();
  const ranges: [number, number][] = [];
  for (let start = 0; start < size; start += MiB) ranges.push([start, Math.min(size, start + MiB) - 1]);
  let bytes = 0;
  let requests = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let r = 0; r < rounds; r += 1) {
        const order = [...ranges].sort(() => Math.random() - 0.5);
        for (const [start, end] of order) {
          const t0 = performance.now();
          try {
            const response = await fetch(url, { headers: { Range: `bytes=${start}-${end}` } });
            const body = await response.arrayBuffer();
            if (response.status !== 206 || body.byteLength !== end - start + 1) throw new Error(`HTTP ${response.status}`);
            bytes += body.byteLength;
            requests += 1;
            recorder.record('range-get', performance.now() - t0);
          } catch {
            recorder.error('range-get');
          }
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    concurrency,
    requestsPerSecond: round(requests / seconds, 1),
    megabytesPerSecond: round(bytes / MiB / seconds, 1),
    latencyMs: recorder.summary()['range-get']!,
    errors: recorder.totalErrors,
  };
}
