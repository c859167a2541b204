import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CpuTimes, machineCpuTimes, parseProcStat, waitForQuietMachine } from './quiet-machine.js';

/** CPU times that advance by `busy` busy jiffies out of 100 per sample, from a script of busy shares. */
function scripted(busyPerSample: readonly number[]): () => Promise<CpuTimes | null> {
  let busy = 0;
  let total = 0;
  let i = 0;
  return async () => {
    const share = busyPerSample[Math.min(i, busyPerSample.length - 1)]!;
    i += 1;
    busy += share;
    total += 100;
    return { busy, total };
  };
}

describe('quiet machine: waiting before a timed phase', () => {
  it('parses /proc/stat: idle and iowait are not busy, the rest is', () => {
    assert.deepEqual(parseProcStat('cpu  100 5 50 800 20 3 2 0 0 0\ncpu0 1 2 3 4\n'), { busy: 160, total: 980 });
    // Old kernels list fewer fields.
    assert.deepEqual(parseProcStat('cpu 10 0 10 80\n'), { busy: 20, total: 100 });
  });

  it('gives null for text that is not a cpu line or has a bad number', () => {
    assert.equal(parseProcStat(''), null);
    assert.equal(parseProcStat('intr 1 2 3\n'), null);
    assert.equal(parseProcStat('cpu 1 2\n'), null);
    assert.equal(parseProcStat('cpu 1 x 3 4 5\n'), null);
    assert.equal(parseProcStat('cpu 1 -2 3 4 5\n'), null);
  });

  it('reads this machine (Linux) or gives null elsewhere, and null for a file that is not there', async () => {
    const times = await machineCpuTimes();
    if (process.platform === 'linux') {
      assert.ok(times !== null && times.total > 0 && times.busy >= 0 && times.busy <= times.total);
    } else {
      assert.equal(times, null);
    }
    assert.equal(await machineCpuTimes('/nonexistent/proc/stat'), null);
  });

  it('returns once enough consecutive windows are quiet, and a busy window starts the count again', async () => {
    // Baseline, then busy, quiet, busy, quiet, quiet: quiet after the 5th window.
    const wait = await waitForQuietMachine({ maxSeconds: 5, windowMs: 5, windows: 2, busyBelow: 0.1, sample: scripted([0, 50, 5, 50, 5, 5, 90]) });
    assert.equal(wait.quiet, true);
    assert.equal(wait.lastBusy, 0.05);
    assert.ok(wait.seconds < 5);
  });

  it('gives up after maxSeconds on a machine that stays busy, saying so', async () => {
    const wait = await waitForQuietMachine({ maxSeconds: 0.1, windowMs: 10, sample: scripted([0, 60]) });
    assert.equal(wait.quiet, false);
    assert.equal(wait.lastBusy, 0.6);
    assert.ok(wait.seconds >= 0.1);
  });

  it('does not wait at all with maxSeconds 0, or where CPU times cannot be read', async () => {
    let sampled = 0;
    const counting = async (): Promise<CpuTimes | null> => {
      sampled += 1;
      return { busy: 0, total: 100 * sampled };
    };
    assert.deepEqual(await waitForQuietMachine({ maxSeconds: 0, sample: counting }), { seconds: 0, quiet: false, lastBusy: null });
    assert.equal(sampled, 0);
    const unreadable = await waitForQuietMachine({ maxSeconds: 5, sample: async () => null });
    assert.deepEqual(unreadable, { seconds: 0, quiet: false, lastBusy: null });
  });
});
