import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { cpuPinningFromEnv, parseCpuList, serverCpuPrefix } from './cpu-pinning.js';

describe('BENCH_SERVER_CPUS / BENCH_FLEET_CPUS (cpu-pinning.ts)', () => {
  it('reads taskset lists into the CPUs they name', () => {
    assert.deepEqual(parseCpuList('X', '0', 2), [0]);
    assert.deepEqual(parseCpuList('X', '0-3', 8), [0, 1, 2, 3]);
    assert.deepEqual(parseCpuList('X', ' 5,1-2,2 ', 8), [1, 2, 5]);
  });

  it('refuses what is not a list, a backward range and a CPU the machine lacks, naming the setting', () => {
    for (const bad of ['', 'a', '0-', '-1', '0,,1', '1.5', '0 1']) assert.throws(() => parseCpuList('BENCH_SERVER_CPUS', bad, 4), /BENCH_SERVER_CPUS: a CPU list like/, bad);
    assert.throws(() => parseCpuList('BENCH_FLEET_CPUS', '3-1', 4), /BENCH_FLEET_CPUS: range 3-1 runs backwards/);
    assert.throws(() => parseCpuList('BENCH_FLEET_CPUS', '0,4', 4), /BENCH_FLEET_CPUS: CPU 4 does not exist \(this machine has CPUs 0-3\)/);
  });

  it('pins nothing when unset, and refuses a core given to both sides', () => {
    assert.deepEqual(cpuPinningFromEnv({}, 2), { server: null, fleet: null });
    assert.deepEqual(serverCpuPrefix(cpuPinningFromEnv({}, 2)), []);
    const pinning = cpuPinningFromEnv({ BENCH_SERVER_CPUS: '0', BENCH_FLEET_CPUS: '1-3' }, 4);
    assert.deepEqual(pinning, { server: '0', fleet: '1,2,3' });
    assert.deepEqual(serverCpuPrefix(pinning), ['taskset', '-c', '0']);
    assert.throws(() => cpuPinningFromEnv({ BENCH_SERVER_CPUS: '0-1', BENCH_FLEET_CPUS: '1' }, 4), /share CPU 1/);
  });

  it('holds every thread of a pinned process to its CPUs, server side (taskset -c) and fleet side (the process pins itself)', () => {
    const module = JSON.stringify(new URL('./cpu-pinning.js', import.meta.url).href);
    // Each thread's allowed CPUs, read back from /proc by the process itself.
    const report =
      "const fs = await import('node:fs'); console.log(JSON.stringify(fs.readdirSync('/proc/self/task').map((t) => /Cpus_allowed_list:\\s*(\\S+)/.exec(fs.readFileSync(`/proc/self/task/${t}/status`, 'utf8'))?.[1])));";
    const threadsOf = (command: string[], pinItself: string): string[] => {
      const [file, ...args] = command;
      const out = execFileSync(file!, [...args, '--input-type=module', '-e', `const m = await import(${module}); ${pinItself} ${report}`], { encoding: 'utf8' });
      return JSON.parse(out) as string[];
    };
    // The server: started under the prefix, every thread it makes inherits the list.
    const server = threadsOf([...serverCpuPrefix({ server: '0', fleet: null }), process.execPath], '');
    // The fleet: a running process pins itself (threads V8 started before included), as main.ts does.
    const fleet = threadsOf([process.execPath], "m.pinThisProcess(m.cpuPinningFromEnv({ BENCH_FLEET_CPUS: '0' }));");
    for (const threads of [server, fleet]) {
      assert.ok(threads.length > 1, 'Node runs more than one thread');
      assert.deepEqual(new Set(threads), new Set(['0']));
    }
    // Unpinned, a thread may use every CPU: the check above can fail.
    const free = threadsOf([process.execPath], '');
    if (Number(spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()) > 1) assert.notDeepEqual(new Set(free), new Set(['0']));
  });
});
