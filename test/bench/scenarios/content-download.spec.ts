import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DownloadRun, medianRun } from './content-download.scenario.js';

const run = (megabytesPerSecond: number): DownloadRun => ({
  concurrency: 1,
  requestsPerSecond: megabytesPerSecond,
  megabytesPerSecond,
  latencyMs: { count: 1, errors: 0, p50: 1, p95: 1, p99: 1, max: 1, mean: 1 },
  errors: 0,
});

describe('medianRun', () => {
  it('picks the median trial by throughput and lists every trial in the order run', () => {
    const median = medianRun([run(300), run(100), run(200)]);
    assert.equal(median.megabytesPerSecond, 200);
    assert.deepEqual(median.trialsMegabytesPerSecond, [300, 100, 200]);
  });

  it('takes the lower middle of an even count, and a single run as it is', () => {
    assert.equal(medianRun([run(4), run(1), run(3), run(2)]).megabytesPerSecond, 2);
    const single = medianRun([run(7)]);
    assert.equal(single.megabytesPerSecond, 7);
    assert.equal(single.trialsMegabytesPerSecond, undefined);
  });

  it('refuses an empty list', () => {
    assert.throws(() => medianRun([]), /no runs/);
  });
});
