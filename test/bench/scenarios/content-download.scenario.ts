import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BenchProcess, startCeilingServer, startWatershedForBench } from '../processes.js';
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
export async function runContentDownload(options: { fileMiB: number; concurrency: readonly number[]; rounds: number; quietWaitSeconds?: number }): Promise<ContentDownloadResult> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-bench-content-'));
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
    const timed = async (url: string, concurrency: number): Promise<DownloadRun> => {
      const quietWait = await waitForQuietMachine({ maxSeconds: options.quietWaitSeconds ?? 0 });
      return { ...(await downloadRun(url, bytes.length, concurrency, options.rounds)), ...(quietWait.seconds > 0 ? { quietWait } : {}) };
    };
    for (const [level, concurrency] of options.concurrency.entries()) {
      if (level % 2 === 0) {
        ours.push(await timed(oursUrl, concurrency));
        raw.push(await timed(rawUrl, concurrency));
      } else {
        raw.push(await timed(rawUrl, concurrency));
        ours.push(await timed(oursUrl, concurrency));
      }
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
    rmSync(dataDir, { recursive: true, force: true });
  }
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
