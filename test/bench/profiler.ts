import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

/** One DevTools protocol command and its result. */
type DevToolsSend = (method: string, params?: Record<string, unknown>) => Promise<unknown>;

/**
 * CPU profiles, one per phase, so a profile covers exactly one phase (import, first scans, rescans,
 * report load) instead of a whole process: of the benchmark server, which runs with `--inspect` on an
 * ephemeral port and is driven over the DevTools protocol (Node 22's global WebSocket); or of the
 * bench process itself, the fleet (an in-process inspector session, BENCH_FLEET_PROFILE_DIR). The
 * `.cpuprofile` files open in Chrome DevTools or speedscope; `test/bench/profile-summary.ts` prints
 * the self time by function and by package.
 */
export class CpuProfiler {
  private constructor(
    private readonly send: DevToolsSend,
    private readonly outDir: string,
    private readonly disconnect: () => void,
  ) {}

  /** The benchmark server's profiler, through its inspector's WebSocket. */
  static async connect(webSocketUrl: string, outDir: string): Promise<CpuProfiler> {
    const socket = new WebSocket(webSocketUrl);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error(`cannot connect to the server inspector at ${webSocketUrl}`)), { once: true });
    });
    let nextId = 1;
    const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
    socket.addEventListener('message', (message) => {
      const data = JSON.parse(String(message.data)) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = data.id === undefined ? undefined : pending.get(data.id);
      if (!waiter) return;
      pending.delete(data.id!);
      if (data.error) waiter.reject(new Error(data.error.message));
      else waiter.resolve(data.result);
    });
    const send: DevToolsSend = (method, params = {}) => {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        socket.send(JSON.stringify({ id, method, params }));
      });
    };
    return CpuProfiler.ready(send, outDir, () => socket.close());
  }

  /** This process's own profiler (the fleet's). */
  static async inProcess(outDir: string): Promise<CpuProfiler> {
    const session = new Session();
    session.connect();
    return CpuProfiler.ready((method, params) => session.post(method, params), outDir, () => session.disconnect());
  }

  private static async ready(send: DevToolsSend, outDir: string, disconnect: () => void): Promise<CpuProfiler> {
    await send('Profiler.enable');
    // 1 ms sampling: fine enough for millisecond requests, cheap enough not to move the numbers much.
    await send('Profiler.setSamplingInterval', { interval: 1000 });
    return new CpuProfiler(send, outDir, disconnect);
  }

  /** Profiles `work` and writes `<name>.cpuprofile` to the profile directory. */
  async around<T>(name: string, work: () => Promise<T>): Promise<T> {
    await this.send('Profiler.start');
    try {
      return await work();
    } finally {
      const { profile } = (await this.send('Profiler.stop')) as { profile: unknown };
      writeFileSync(path.join(this.outDir, `${name}.cpuprofile`), JSON.stringify(profile));
    }
  }

  close(): void {
    this.disconnect();
  }
}
