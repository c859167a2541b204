import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

  it('starts a phase at the wait logged before it under any label, a busy machine too, else at the previous phase\'s end', () => {
    const log = [
      '[bench 14:37:45] rescan-100000: generated 102001 documents, 25727 approvals',
      '[bench 14:37:47] rescan-100000: first-scan (2 of 24 products): machine quiet after 2.0 s (last second 3 % busy)',
      '[bench 14:37:53] rescan-100000: first scans (2 of 24 products): 20 in 5.15s, 826 offered per walk, errors 0',
      '[bench 14:38:20] rescan-100000: rescan: machine still busy after 120.0 s (last second 80 % busy); timed anyway',
      '[bench 14:38:25] rescan-100000: rescan: 2000 in 4.27s, p99 59.89 ms, errors 0',
      '[bench 14:38:31] rescan-100000: rescan #2: 2000 in 3.74s, p99 59.88 ms, errors 0',
    ].join('\n');
    assert.deepEqual(phaseWindows(log), [
      { scenario: 'rescan-100000', phase: 'first scans (2 of 24 products)', from: '14:37:47', to: '14:37:53' },
      { scenario: 'rescan-100000', phase: 'rescan', from: '14:38:20', to: '14:38:25' },
      { scenario: 'rescan-100000', phase: 'rescan #2', from: '14:38:25', to: '14:38:31' },
    ]);
  });

  it('stops with a clear message on a missing file or a log without phases', () => {
    const script = path.resolve('dist/test/bench/gc-by-phase.js');
    const missing = spawnSync(process.execPath, [script, '/nonexistent/bench.log', '/nonexistent/server.log'], { encoding: 'utf8' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /gc-by-phase: cannot read \/nonexistent\/bench\.log/);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'watershed-gc-by-phase-'));
    try {
      const empty = path.join(dir, 'bench.log');
      writeFileSync(empty, '[bench 15:03:10] imported 100/100 (50/s)\n');
      const none = spawnSync(process.execPath, [script, empty, empty], { encoding: 'utf8' });
      assert.equal(none.status, 2);
      assert.match(none.stderr, /gc-by-phase: no phase result lines/);
      const usage = spawnSync(process.execPath, [script], { encoding: 'utf8' });
      assert.equal(usage.status, 2);
      assert.match(usage.stderr, /usage: node dist\/test\/bench\/gc-by-phase\.js <bench log> <server log>/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
