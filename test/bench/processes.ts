import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/** A server process the benchmark drives: Watershed itself, or the ceiling server. */
export interface BenchProcess {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export async function startWatershedForBench(env: NodeJS.ProcessEnv): Promise<BenchProcess> {
  const child = spawn(process.execPath, [path.resolve('dist/apps/watershed/src/main.js'), 'serve', '--port', '0', '--host', '127.0.0.1'], {
    env: { ...process.env, WATERSHED_LOG_LEVEL: 'info', DATABASE_URL: '', NATS_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await waitForLine(child, (line) => {
    const parsed = safeJson(line) as { msg?: string; url?: string } | null;
    return parsed?.msg === 'watershed is serving' ? parsed.url ?? null : null;
  });
  return wrap(child, url);
}

export async function startCeilingServer(contentDir: string): Promise<BenchProcess> {
  const child = spawn(process.execPath, [path.resolve('dist/test/bench/ceiling-server.js'), contentDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await waitForLine(child, (line) => {
    const port = (safeJson(line) as { port?: number } | null)?.port;
    return port ? `http://127.0.0.1:${port}` : null;
  });
  return wrap(child, url);
}

function wrap(child: ChildProcess, url: string): BenchProcess {
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
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
