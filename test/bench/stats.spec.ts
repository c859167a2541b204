import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatencyRecorder } from './stats.js';

describe('LatencyRecorder', () => {
  it('summarises each operation by nearest-rank percentiles', () => {
    const recorder = new LatencyRecorder();
    for (let ms = 1; ms <= 100; ms += 1) recorder.record('SyncUpdates', ms);
    recorder.error('SyncUpdates');
    assert.deepEqual(recorder.summary().SyncUpdates, { count: 100, errors: 1, p50: 51, p95: 96, p99: 100, max: 100, mean: 50.5 });
  });

  it('records a subset into the recorders it was given as well, each summarised on its own', () => {
    const all = new LatencyRecorder();
    const first = new LatencyRecorder([all]);
    const later = new LatencyRecorder([all]);
    first.record('SyncUpdates', 90);
    first.error('GetCookie');
    for (const ms of [10, 20, 30]) later.record('SyncUpdates', ms);
    assert.equal(all.summary().SyncUpdates!.count, 4);
    assert.equal(all.summary().SyncUpdates!.max, 90);
    assert.equal(all.totalErrors, 1);
    assert.equal(first.summary().SyncUpdates!.count, 1);
    assert.deepEqual([later.summary().SyncUpdates!.count, later.summary().SyncUpdates!.max, later.totalErrors], [3, 30, 0]);
  });
});
