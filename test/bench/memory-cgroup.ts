import { existsSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A memory cgroup for the bench's server, so it runs under the limit a container would give it
 * (BENCH_SERVER_MEMORY_LIMIT=1g). Two things follow from that limit and nothing else: Node sizes its
 * default V8 heap from the cgroup (Node 22 on this kernel: 512 MiB → 259 MiB heap limit, 1 GiB → 524,
 * 2 GiB → 1,048), which is the cap a Kubernetes deployment gets without any flag; and the kernel kills
 * the process if it goes over, which the bench then reports as a failed run. Linux only, needs write
 * access to the cgroup filesystem (root here).
 */
export interface MemoryCgroup {
  readonly limitBytes: number;
  /** The file a process writes its pid to, to join (before exec, so Node sees the limit at start). */
  readonly procsFile: string;
  /** Highest usage the kernel recorded (RSS plus page cache charged to it), and how often it hit the limit. */
  usage(): Promise<{ maxUsageBytes: number | null; limitHits: number | null }>;
  remove(): Promise<void>;
}

const V2_ROOT = '/sys/fs/cgroup';
const V1_MEMORY_ROOT = '/sys/fs/cgroup/memory';

export function parseMemoryLimit(text: string): number {
  const found = /^(\d+)([kmg]i?b?)?$/i.exec(text.trim());
  if (!found) throw new Error(`BENCH_SERVER_MEMORY_LIMIT: expected a size like 1g or 768m, got "${text}"`);
  const unit = (found[2] ?? '').toLowerCase()[0];
  const scale = unit === 'g' ? 2 ** 30 : unit === 'm' ? 2 ** 20 : unit === 'k' ? 2 ** 10 : 1;
  return Number(found[1]) * scale;
}

export async function createMemoryCgroup(limitBytes: number): Promise<MemoryCgroup> {
  const name = `watershed-bench-${process.pid}-${Date.now()}`;
  const v2 = existsSync(path.join(V2_ROOT, 'cgroup.controllers'));
  if (v2) {
    const controllers = await readFile(path.join(V2_ROOT, 'cgroup.subtree_control'), 'utf8').catch(() => '');
    if (!controllers.split(/\s+/).includes('memory')) {
      throw new Error('BENCH_SERVER_MEMORY_LIMIT: cgroup v2 without the memory controller enabled for children of /sys/fs/cgroup');
    }
    const dir = path.join(V2_ROOT, name);
    await mkdir(dir);
    await writeFile(path.join(dir, 'memory.max'), String(limitBytes));
    await writeFile(path.join(dir, 'memory.swap.max'), '0').catch(() => undefined);
    return {
      limitBytes,
      procsFile: path.join(dir, 'cgroup.procs'),
      usage: async () => ({
        maxUsageBytes: await readNumber(path.join(dir, 'memory.peak')),
        limitHits: await readFile(path.join(dir, 'memory.events'), 'utf8')
          .then((text) => Number(/^max (\d+)$/m.exec(text)?.[1] ?? NaN))
          .catch(() => null),
      }),
      remove: () => rmdir(dir).catch(() => undefined),
    };
  }
  if (!existsSync(path.join(V1_MEMORY_ROOT, 'memory.limit_in_bytes'))) {
    throw new Error('BENCH_SERVER_MEMORY_LIMIT: no memory cgroup controller found under /sys/fs/cgroup');
  }
  const dir = path.join(V1_MEMORY_ROOT, name);
  await mkdir(dir);
  await writeFile(path.join(dir, 'memory.limit_in_bytes'), String(limitBytes));
  return {
    limitBytes,
    procsFile: path.join(dir, 'cgroup.procs'),
    usage: async () => ({
      maxUsageBytes: await readNumber(path.join(dir, 'memory.max_usage_in_bytes')),
      limitHits: await readNumber(path.join(dir, 'memory.failcnt')),
    }),
    remove: () => rmdir(dir).catch(() => undefined),
  };
}

async function readNumber(file: string): Promise<number | null> {
  try {
    const value = Number((await readFile(file, 'utf8')).trim());
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}
