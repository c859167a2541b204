/**
 * `npm run bench`: runs the benchmark scenarios and prints a human-readable table and one JSON
 * document; also writes both, and an SVG chart, to --out (default docs/benchmarks). `--quick` is a
 * small run used as a smoke test: it checks the numbers are produced and asserts no timing.
 *
 * Scenarios so far: content download in shuffled 1 MiB ranges against raw file serving. The scan,
 * rescan and report-query scenarios arrive with the protocol and reporting services (issue 5).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { latencyChartSvg } from './latency-chart.svg.js';
import { runContentDownload } from './scenarios/content-download.scenario.js';

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, out: { type: 'string' } },
  strict: true,
});
const quick = values.quick === true;
const outDir = path.resolve(values.out ?? 'docs/benchmarks');

const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
  node: process.version,
  platform: `${os.type()} ${os.release()}`,
};

const startedAt = new Date().toISOString();
const content = await runContentDownload(quick ? { fileMiB: 4, concurrency: [1, 4], rounds: 1 } : { fileMiB: 64, concurrency: [1, 8, 32, 64], rounds: 2 });

const document = { kind: 'watershed-benchmark', version: 1, quick, startedAt, finishedAt: new Date().toISOString(), machine, scenarios: [content] };

const rows: string[][] = [['scenario', 'server', 'concurrency', 'req/s', 'MB/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'vs ceiling']];
content.watershed.forEach((run, i) => {
  const raw = content.ceiling[i]!;
  rows.push(['content-download', 'watershed', String(run.concurrency), String(run.requestsPerSecond), String(run.megabytesPerSecond), String(run.latencyMs.p50), String(run.latencyMs.p95), String(run.latencyMs.p99), String(run.errors), String(content.ratioToCeiling[i]!.ratio)]);
  rows.push(['content-download', 'ceiling (raw)', String(raw.concurrency), String(raw.requestsPerSecond), String(raw.megabytesPerSecond), String(raw.latencyMs.p50), String(raw.latencyMs.p95), String(raw.latencyMs.p99), String(raw.errors), '1']);
});
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
const table = rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')).join('\n');

mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(document, null, 2)}\n`);
writeFileSync(path.join(outDir, 'results.txt'), `${table}\n`);
writeFileSync(
  path.join(outDir, 'content-latency.svg'),
  latencyChartSvg(`Content download, ${content.fileMiB} MiB file in 1 MiB ranges: p99 latency`, 'concurrent clients', 'p99 latency (ms)', [
    { name: 'Watershed /Content', points: content.watershed.map((r) => ({ x: r.concurrency, y: r.latencyMs.p99 })) },
    { name: 'raw node:http', points: content.ceiling.map((r) => ({ x: r.concurrency, y: r.latencyMs.p99 })) },
  ]),
);

process.stdout.write(`${table}\n\n(server RSS after the run: ${content.serverRssMiB ?? '?'} MiB; files in ${outDir})\n\n`);
process.stdout.write(`${JSON.stringify(document)}\n`);
const failures = [...content.watershed, ...content.ceiling].reduce((n, r) => n + r.errors, 0);
if (failures > 0) {
  process.stderr.write(`bench: ${failures} failed requests: the run is invalid\n`);
  process.exitCode = 1;
}
