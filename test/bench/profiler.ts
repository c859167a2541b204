import { writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * CPU profiles of the benchmark server, one per phase: the server runs with `--inspect` on an
 * ephemeral port and the bench drives its V8 profiler over the DevTools protocol (Node 22's global
 * WebSocket), so a profile covers exactly one phase (import, first scans, rescans, report load)
 * instead of the whole process. The `.cpuprofile` files open in Chrome DevTools or speedscope;
 * `test/bench/profile-summary.ts` prints the self time by function and by package.
 */
export class ServerProfiler {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(
    private readonly socket: WebSocket,
    private readonly outDir: string,
  ) {
    socket.addEventListener('message', (message) => {
      const data = JSON.parse(String(message.data)) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = data.id === undefined ? undefined : this.pending.get(data.id);
      if (!waiter) return;
      this.pending.delete(data.id!);
      if (data.error) waiter.reject(new Error(data.error.message));
      else waiter.resolve(data.result);
    });
  }

  static async connect(webSocketUrl: string, outDir: string): Promise<ServerProfiler> {
    const socket = new WebSocket(webSocketUrl);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error(`cannot connect to the server inspector at ${webSocketUrl}`)), { once: true });
    });
    const profiler = new ServerProfiler(socket, outDir);
    await profiler.send('Profiler.enable');
    // 1 ms sampling: fine enough for millisecond requests, cheap enough not to move the numbers much.
    await profiler.send('Profiler.setSamplingInterval', { interval: 1000 });
    return profiler;
  }

  private send(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
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
    this.socket.close();
  }
}
