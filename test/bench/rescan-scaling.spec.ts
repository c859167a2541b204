import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { median, rescanScaling } from './rescan-scaling.js';

const phase = (name: string, p99: number, cpu = 1) => ({
  phase: name,
  serverCpuMsPerWalk: cpu,
  latencyMs: { SyncUpdates: { count: 1000, errors: 0, p50: p99 / 2, p95: p99 * 0.9, p99, max: p99 + 1, mean: p99 / 2 } },
});

describe('rescan scaling: p99 by catalog size', () => {
  it('takes the median of odd and even counts, and 0 of none', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([]), 0);
  });

  it('summarizes each rescan scenario over its rescan phases only and divides by the smallest catalog', () => {
    const rows = rescanScaling([
      // Given largest first: rows come out by size.
      { scenario: 'rescan-100000', catalog: { revisions: 102_001 }, phases: [phase('first-scan (2 of 24 products)', 900), phase('rescan (2 of 24 products)', 60, 2), phase('rescan (2 of 24 products) #2', 33, 1.2), phase('rescan (2 of 24 products) #3', 36, 1.4)] },
      { scenario: 'scan-10000', catalog: { revisions: 10_201 }, phases: [phase('rescan', 5)] },
      { scenario: 'rescan-10000', catalog: { revisions: 10_201 }, phases: [phase('rescan (2 of 24 products)', 30, 1), phase('rescan (2 of 24 products) #2', 20, 0.9)] },
    ]);
    assert.deepEqual(rows.map((r) => r.scenario), ['rescan-10000', 'rescan-100000']);
    assert.deepEqual(rows[1]!.p99Ms, [60, 33, 36]);
    assert.equal(rows[0]!.p99MedianMs, 25);
    assert.equal(rows[1]!.p99MedianMs, 36);
    assert.equal(rows[1]!.serverCpuMsPerWalkMedian, 1.4);
    assert.equal(rows[0]!.p99RatioToSmallest, 1);
    assert.equal(rows[1]!.p99RatioToSmallest, 1.44);
    assert.equal(rows[1]!.serverP99MedianMs, null, 'no Server-Timing: no server-timed median');
    assert.equal(rows[1]!.sentToAnsweredP99MedianMs, null, 'no stamps: no sent→answered median');
    assert.equal(rows[1]!.sentToAnsweredRatioToSmallest, null);
  });

  it('gives the median of the server-timed p99 when every rescan phase has one', () => {
    const timed = (name: string, p99: number, serverP99: number) => ({ ...phase(name, p99), serverLatencyMs: { SyncUpdates: { ...phase(name, serverP99).latencyMs.SyncUpdates } } });
    const [row] = rescanScaling([{ scenario: 'rescan-10000', catalog: { revisions: 10_201 }, phases: [phase('first-scan', 500), timed('rescan', 90, 20), timed('rescan #2', 80, 12), timed('rescan #3', 70, 30)] }]);
    assert.equal(row!.serverP99MedianMs, 20);
    assert.equal(row!.sentToAnsweredP99MedianMs, null);
    const [partial] = rescanScaling([{ scenario: 'rescan-10000', catalog: { revisions: 10_201 }, phases: [timed('rescan', 90, 20), phase('rescan #2', 80)] }]);
    assert.equal(partial!.serverP99MedianMs, null, 'a phase without server timings: no median over some of them');
  });

  it('gives the sent→answered medians and their ratio to the smallest catalog when every phase was stamped', () => {
    const stamped = (name: string, p99: number, sentP99: number) => ({ ...phase(name, p99), sentToAnsweredLatencyMs: { SyncUpdates: { ...phase(name, sentP99).latencyMs.SyncUpdates } } });
    const rows = rescanScaling([
      { scenario: 'rescan-10000', catalog: { revisions: 10_201 }, phases: [stamped('rescan', 40, 8), stamped('rescan #2', 50, 10), stamped('rescan #3', 60, 12)] },
      { scenario: 'rescan-100000', catalog: { revisions: 102_001 }, phases: [stamped('rescan', 90, 14), stamped('rescan #2', 80, 11)] },
      { scenario: 'rescan-20000', catalog: { revisions: 20_401 }, phases: [stamped('rescan', 90, 14), phase('rescan #2', 80)] },
    ]);
    assert.deepEqual(rows.map((r) => r.sentToAnsweredP99MedianMs), [10, null, 12.5]);
    assert.deepEqual(rows.map((r) => r.sentToAnsweredRatioToSmallest), [1, null, 1.25]);
    assert.deepEqual(rows.map((r) => r.p99RatioToSmallest), [1, 1.7, 1.7]);
  });

  it('leaves out a size without a measured rescan phase, and gives no ratio against a zero', () => {
    assert.deepEqual(rescanScaling([{ scenario: 'rescan-600', catalog: { revisions: 612 }, phases: [phase('first-scan', 10)] }]), []);
    const zero = rescanScaling([
      { scenario: 'rescan-600', catalog: { revisions: 612 }, phases: [phase('rescan', 0)] },
      { scenario: 'rescan-1200', catalog: { revisions: 1224 }, phases: [phase('rescan', 4)] },
    ]);
    assert.deepEqual(zero.map((r) => r.p99RatioToSmallest), [0, 0]);
  });
});
