import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gcByPhase, phaseWindows } from './gc-by-phase.js';

const BENCH_LOG = [
  '[bench 15:03:10] imported 100/100 (50/s)',
  '[bench 15:03:12] rescan-100000: rescan (2 of 24 products): machine quiet after 2.0 s (last second 4 % busy)',
  '[bench 15:03:17] rescan-100000: rescan (2 of 24 products): 2000 in 5.04s, p99 76.2 ms, errors 0',
  '[bench 15:03:20] rescan-100000: rescan (2 of 24 products) #2: machine quiet after 2.0 s (last second 4 % busy)',
  '[bench 15:03:22] rescan-100000: rescan (2 of 24 products) #2: 2000 in 2.72s, p99 49.13 ms, errors 0',
].join('\n');

const gcLine = (clock: string, what: string): string => `2026-11-27T${clock}.500Z [7396:0x2f277000]  1158032 ms: ${what}`;
const SERVER_LOG = [
  gcLine('15:03:11', 'Scavenge 300.0 (350.0) -> 296.0 (350.0) MB, pooled: 0 MB, 9.00 / 0.01 ms  (average mu = 0.99) allocation failure;'),
  gcLine('15:03:13', 'Scavenge 300.0 (350.0) -> 296.0 (350.0) MB, pooled: 0 MB, 2.50 / 0.01 ms  (average mu = 0.99) allocation failure;'),
  gcLine('15:03:17', 'Scavenge 300.0 (350.0) -> 296.0 (350.0) MB, pooled: 2 MB, 1.25 / 0.01 ms  (average mu = 0.99) allocation failure;'),
  '2026-11-27T15:03:18.000Z {"level":30,"msg":"a log line in between"}',
  gcLine('15:03:21', 'Mark-Compact 305.0 (358.4) -> 253.2 (337.2) MB, pooled: 20 MB, 64.38 / 0.12 ms  (+ 460.3 ms in 0 steps since start of marking, biggest step 0.0 ms) finalize'),
  gcLine('15:03:21', 'Scavenge (interleaved) 93.4 (101.8) -> 90.0 (101.8) MB, pooled: 0 MB, 8.56 / 0.02 ms'),
].join('\n');

describe('gc-by-phase', () => {
  it('takes each phase from its quiet-machine line to its result line', () => {
    assert.deepEqual(phaseWindows(BENCH_LOG), [
      { scenario: 'rescan-100000', phase: 'rescan (2 of 24 products)', from: '15:03:12', to: '15:03:17' },
      { scenario: 'rescan-100000', phase: 'rescan (2 of 24 products) #2', from: '15:03:20', to: '15:03:22' },
    ]);
  });

  it('counts the collections inside each window only, with pauses and marking work', () => {
    const [first, second] = gcByPhase(phaseWindows(BENCH_LOG), SERVER_LOG);
    assert.deepEqual(
      { scavenges: first!.scavenges, pause: first!.scavengePauseMs, longest: first!.longestScavengeMs, markCompacts: first!.markCompacts },
      { scavenges: 2, pause: 3.8, longest: 2.5, markCompacts: 0 },
    );
    assert.deepEqual(
      { scavenges: second!.scavenges, longest: second!.longestScavengeMs, markCompacts: second!.markCompacts, pauses: second!.markCompactPausesMs, marking: second!.markingMs },
      { scavenges: 1, longest: 8.56, markCompacts: 1, pauses: [64.38], marking: [460.3] },
    );
  });
});
