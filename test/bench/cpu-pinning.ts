import { execFileSync } from 'node:child_process';
import os from 'node:os';

/**
 * CPU pinning for the bench: the server on some cores, the fleet on others.
 *
 * One bench process simulates every computer, and on a two-core machine it shares both cores with
 * the server it times. What a simulated computer spends writing its request (at 100k revisions ~830
 * cached ids, ~15 KB) is then taken from the server's cores, and the server's latency grows with the
 * client's cost, not only its own. Real clients run on their own machines. `BENCH_SERVER_CPUS=0
 * BENCH_FLEET_CPUS=1` gives each side its own core (taskset lists: `0`, `0-1`, `0,2`), so a phase's
 * latencies are the server's and the queue in front of it; the server's CPU per walk is measured
 * the same way either way. Unset: nothing is pinned.
 */
export interface CpuPinning {
  /** taskset list for the Watershed server (and its V8 and libuv threads), or null. */
  readonly server: string | null;
  /** taskset list for the bench process itself (the fleet, and the ceiling server it starts), or null. */
  readonly fleet: string | null;
}

/** Each CPU a taskset list names, or an error naming the setting. */
export function parseCpuList(setting: string, text: string, cpuCount: number): number[] {
  const trimmed = text.trim();
  if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(trimmed)) throw new Error(`${setting}: a CPU list like 0, 0-1 or 0,2, not "${text}"`);
  const cpus = new Set<number>();
  for (const part of trimmed.split(',')) {
    const [first, last = first] = part.split('-').map(Number) as [number, number?];
    if (last! < first) throw new Error(`${setting}: range ${part} runs backwards`);
    for (let cpu = first; cpu <= last!; cpu += 1) {
      if (cpu >= cpuCount) throw new Error(`${setting}: CPU ${cpu} does not exist (this machine has CPUs 0-${cpuCount - 1})`);
      cpus.add(cpu);
    }
  }
  return [...cpus].sort((a, b) => a - b);
}

/** The pinning the environment asks for, checked: valid lists, CPUs that exist, no core shared by both. */
export function cpuPinningFromEnv(env: NodeJS.ProcessEnv = process.env, cpuCount = os.cpus().length): CpuPinning {
  const server = env.BENCH_SERVER_CPUS ? parseCpuList('BENCH_SERVER_CPUS', env.BENCH_SERVER_CPUS, cpuCount) : null;
  const fleet = env.BENCH_FLEET_CPUS ? parseCpuList('BENCH_FLEET_CPUS', env.BENCH_FLEET_CPUS, cpuCount) : null;
  const shared = server && fleet ? server.filter((cpu) => fleet.includes(cpu)) : [];
  if (shared.length > 0) throw new Error(`BENCH_SERVER_CPUS and BENCH_FLEET_CPUS share CPU ${shared.join(', ')}: the point is to keep them apart`);
  return { server: server?.join(',') ?? null, fleet: fleet?.join(',') ?? null };
}

/** The command prefix that starts a server on its CPUs (`taskset -c LIST`), or nothing. */
export function serverCpuPrefix(pinning: CpuPinning): string[] {
  return pinning.server === null ? [] : ['taskset', '-c', pinning.server];
}

/** `node <args>` as a server of the bench is started: on BENCH_SERVER_CPUS when set. */
export function serverNodeCommand(args: readonly string[]): [string, ...string[]] {
  return [...serverCpuPrefix(cpuPinningFromEnv()), process.execPath, ...args] as [string, ...string[]];
}

/**
 * Pins every thread of this process (V8's workers and libuv's pool included: `-a`) to the fleet's
 * CPUs. Threads and processes started after inherit it.
 */
export function pinThisProcess(pinning: CpuPinning): void {
  if (pinning.fleet === null) return;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', pinning.fleet, String(process.pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    throw new Error(`BENCH_FLEET_CPUS: taskset could not pin the bench process (${(error as Error).message.split('\n')[0]})`);
  }
}
