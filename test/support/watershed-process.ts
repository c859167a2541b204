import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

export const WATERSHED_MAIN = path.resolve('dist/apps/watershed/src/main.js');

export interface WatershedProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly pid: number;
  /** Everything the process printed so far (JSON log lines). */
  output(): string;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the built server as a real process (`watershed serve …`) and waits until it logs the URL it
 * serves on. Use port 0 so parallel test files never collide.
 */
export async function startWatershed(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<WatershedProcess> {
  const child = spawn(process.execPath, [WATERSHED_MAIN, 'serve', ...args], {
    env: { ...process.env, WATERSHED_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A server that starts after the test gave up would outlive it and keep the test runner
      // waiting on its pipes: kill it before failing.
      child.kill('SIGKILL');
      reject(new Error(`server did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const check = (): void => {
      for (const line of output.split('\n')) {
        if (!line.includes('watershed is serving')) continue;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
        return;
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before serving:\n${output}`));
    });
  });
  return {
    child,
    url,
    pid: child.pid!,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs the built CLI to completion (for commands other than serve). */
export function runWatershedCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [WATERSHED_MAIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
