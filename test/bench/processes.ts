import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, openSync } from 'node:fs';
import type { Readable } from 'node:stream';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { serverNodeCommand } from './cpu-pinning.js';
import { undoOnInterrupt } from './interrupted-run.js';
import { createMemoryCgroup, type MemoryCgroup, parseMemoryLimit } from './memory-cgroup.js';

/** A server process the benchmark drives: Watershed itself, or the ceiling server. */
export interface BenchProcess {
  readonly url: string;
  readonly pid: number;
  /** The V8 inspector's WebSocket URL when started with `inspect` (for per-phase CPU profiles). */
  readonly inspectorUrl?: string;
  /** Set when the server runs in a memory cgroup (BENCH_SERVER_MEMORY_LIMIT). */
  readonly memoryCgroup?: Pick<MemoryCgroup, 'limitBytes' | 'usage'>;
  stop(): Promise<void>;
}

/**
 * The V8 options Watershed is deployed with (deploy/Dockerfile's NODE_OPTIONS, package.json's
 * `start`): the young generation at 16 MiB, which a container memory limit would otherwise shrink
 * to 4 MiB (why: the Dockerfile, and docs/benchmarks/100k.md §18). The bench measures the product as
 * it runs; processes.spec.ts keeps the three equal.
 */
export const SERVER_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=16'];

/**
 * `startTimeoutMs`: how long to wait for "watershed is serving" (default 60 s). A start after a bulk
 * load waits longer: the deployment service catches its state up before serving.
 */
export async function startWatershedForBench(
  env: NodeJS.ProcessEnv,
  options: { inspect?: boolean; startTimeoutMs?: number; /** Checkout whose build to run (default: the current directory). */ root?: string; port?: number } = {},
): Promise<BenchProcess> {
  const inspect = options.inspect === true ? ['--inspect=127.0.0.1:0'] : [];
  // The Node options the product runs with (the image's NODE_OPTIONS, `npm start`), then any for this
  // run only (e.g. BENCH_SERVER_NODE_ARGS="--max-old-space-size=640" to run it with the heap cap a
  // deployment would set; V8 takes the last of a repeated flag); the bench process keeps its own.
  const serverNodeArgs = [...SERVER_NODE_OPTIONS, ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter((a) => a.length > 0)];
  // Server-Timing on every response (server-timing.preload.ts), from this checkout's bench build.
  const serverTiming = ['--import', pathToFileURL(path.resolve('dist/test/bench/server-timing.preload.js')).href];
  // BENCH_SERVER_CPUS: the server on its own cores, apart from the fleet's (cpu-pinning.ts).
  const nodeCommand = serverNodeCommand([...serverNodeArgs, ...serverTiming, ...inspect, path.resolve(options.root ?? '.', 'dist/apps/watershed/src/main.js'), 'serve', '--port', String(options.port ?? 0), '--host', '127.0.0.1']);
  // BENCH_SERVER_STDOUT=<file> keeps the server's standard output (its log, and V8's --trace-gc lines
  // when BENCH_SERVER_NODE_ARGS asks for them); opened before anything starts, so a bad path stops here.
  const serverLog = process.env.BENCH_SERVER_STDOUT ? stampedLineLog(process.env.BENCH_SERVER_STDOUT) : null;
  // BENCH_SERVER_MEMORY_LIMIT=1g runs the server as a container with that memory limit would: the
  // shell joins the cgroup, then execs Node (same pid), so Node sizes its heap from the limit at start.
  const memoryLimit = process.env.BENCH_SERVER_MEMORY_LIMIT;
  const cgroup = memoryLimit ? await createMemoryCgroup(parseMemoryLimit(memoryLimit)) : null;
  const [command, ...args] = cgroup ? ['/bin/sh', '-c', 'echo $$ > "$0" && exec "$@"', cgroup.procsFile, ...nodeCommand] : nodeCommand;
  const child = spawn(command!, args, {
    env: { ...process.env, WATERSHED_LOG_LEVEL: 'info', DATABASE_URL: '', NATS_URL: '', ...env },
    stdio: ['ignore', 'pipe', inspect.length > 0 ? 'pipe' : 'inherit'],
  });
  // Stopped by the caller, or by an interrupted run's handler (interrupted-run.ts), whichever comes first.
  const stop = undoOnInterrupt(() => stopChild(child, cgroup));
  serverLog?.attach(child.stdout!, child);
  let inspectorUrl: Promise<string> | undefined;
  if (inspect.length > 0) {
    inspectorUrl = new Promise((resolve) => {
      let buffered = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        process.stderr.write(chunk);
        buffered += chunk.toString();
        const found = buffered.match(/Debugger listening on (ws:\/\/\S+)/);
        if (found) resolve(found[1]!);
      });
    });
  }
  const url = await waitForLine(child, (line) => {
    const parsed = safeJson(line) as { msg?: string; url?: string } | null;
    return parsed?.msg === 'watershed is serving' ? parsed.url ?? null : null;
  }, options.startTimeoutMs).catch(async (error: unknown) => {
    // A server that did not come up in time may still be running: it goes, with its cgroup.
    await stop();
    throw error;
  });
  const benchProcess: BenchProcess = { url, pid: child.pid!, stop };
  return { ...benchProcess, ...(inspectorUrl ? { inspectorUrl: await inspectorUrl } : {}), ...(cgroup ? { memoryCgroup: cgroup } : {}) };
}

/**
 * A file that gets every line of a stream appended, stamped with the wall-clock time it arrived, so
 * a phase's garbage collections can be told from another's. The file is opened (for appending: what
 * it holds is kept) when this is called; a path that cannot be opened is an error naming the setting.
 */
export function stampedLineLog(file: string): { attach(stream: Readable, until: { once(event: 'exit', listener: () => void): unknown }): void } {
  let fd: number;
  try {
    fd = openSync(file, 'a');
  } catch (error) {
    throw new Error(`BENCH_SERVER_STDOUT: cannot open ${file} for appending (${(error as Error).message})`);
  }
  const sink = createWriteStream('', { fd });
  return {
    attach(stream, until) {
      let pending = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (pending + chunk.toString()).split('\n');
        pending = lines.pop() ?? '';
        const stamp = new Date().toISOString();
        for (const line of lines) sink.write(`${stamp} ${line}\n`);
      });
      until.once('exit', () => sink.end(pending.length > 0 ? `${new Date().toISOString()} ${pending}\n` : undefined));
    },
  };
}

export async function startCeilingServer(options: { contentDir?: string; replayFile?: string }): Promise<BenchProcess> {
  const args = [...(options.contentDir ? ['--content', options.contentDir] : []), ...(options.replayFile ? ['--replay', options.replayFile] : [])];
  // On the server's cores when they are pinned: the ceiling is the same stack on the same hardware.
  const [command, ...commandArgs] = serverNodeCommand([path.resolve('dist/test/bench/ceiling-server.js'), ...args]);
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = undoOnInterrupt(() => stopChild(child, null));
  const url = await waitForLine(child, (line) => {
    const port = (safeJson(line) as { port?: number } | null)?.port;
    return port ? `http://127.0.0.1:${port}` : null;
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { url, pid: child.pid!, stop };
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat (Linux, 100 ticks/s). */
export async function cpuSeconds(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Bytes on disk under a directory (du), e.g. the embedded event store. */
export async function diskBytes(dir: string): Promise<number> {
  const { execFileSync } = await import('node:child_process');
  return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
}

/** SIGTERM, then SIGKILL after 10 s if it has not exited; then its cgroup is removed. */
async function stopChild(child: ChildProcess, cgroup: MemoryCgroup | null): Promise<void> {
  await new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
  await cgroup?.remove();
}

function waitForLine(child: ChildProcess, pick: (line: string) => string | null, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error('benchmark server did not start in time')), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const found = pick(line);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`benchmark server exited with ${code}`));
    });
  });
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}
