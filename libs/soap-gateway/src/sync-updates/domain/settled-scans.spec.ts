import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanRequestHash, SettledScans } from './settled-scans.js';

describe('SettledScans', () => {
  it('remembers an empty answer for its version and request only, and forgets it', () => {
    const settled = new SettledScans();
    settled.settle('pc-1', 40, 123);
    assert.equal(settled.isSettled('pc-1', 40, 123), true);
    assert.equal(settled.isSettled('pc-1', 41, 123), false, 'another version');
    assert.equal(settled.isSettled('pc-1', 40, 124), false, 'another request');
    assert.equal(settled.isSettled('pc-2', 40, 123), false, 'another computer');
    settled.settle('pc-1', 41, 7);
    assert.equal(settled.isSettled('pc-1', 40, 123), false, 'only the last answer counts');
    settled.forget('pc-1');
    assert.equal(settled.isSettled('pc-1', 41, 7), false);
    assert.equal(settled.size, 0);
  });

  it('starts over when full, and keeps what it is told after that', () => {
    const settled = new SettledScans(3);
    for (const id of ['a', 'b', 'c']) settled.settle(id, 1, 1);
    settled.settle('b', 2, 2); // already known: no reset
    assert.equal(settled.size, 3);
    settled.settle('d', 1, 1);
    assert.equal(settled.size, 1);
    assert.equal(settled.isSettled('d', 1, 1), true);
    assert.equal(settled.isSettled('a', 1, 1), false);
  });
});

describe('scanRequestHash', () => {
  const groups = ['00000000-0000-4000-8000-000000000001', 'a0e1a58d-0000-4000-8000-000000000002'];

  it('is the same for the same request, and a safe integer', () => {
    const hash = scanRequestHash(groups, [1, 2, 3], [40, 50]);
    assert.equal(scanRequestHash([...groups], [1, 2, 3], [40, 50]), hash);
    assert.ok(Number.isSafeInteger(hash) && hash >= 0);
  });

  it('tells apart groups, order, list boundaries, lengths and single ids', () => {
    const hashes = [
      scanRequestHash(groups, [1, 2, 3], [40, 50]),
      scanRequestHash([groups[0]!], [1, 2, 3], [40, 50]),
      scanRequestHash([groups[1]!, groups[0]!], [1, 2, 3], [40, 50]),
      scanRequestHash(groups, [1, 3, 2], [40, 50]),
      scanRequestHash(groups, [1, 2], [3, 40, 50]),
      scanRequestHash(groups, [1, 2, 3], [40, 50, 0]),
      scanRequestHash(groups, [1, 2, 3], [40, 51]),
      scanRequestHash(groups, [1, 2, 3 + 65536], [40, 50]),
      scanRequestHash(groups, [], []),
    ];
    assert.equal(new Set(hashes).size, hashes.length);
  });

  it('spreads a rescan-sized request over many values (no collisions among 20,000 one-id changes)', () => {
    const base = Array.from({ length: 826 }, (_, i) => 100_000 + 37 * i);
    const seen = new Set<number>();
    for (let i = 0; i < 20_000; i += 1) {
      const ids = [...base];
      ids[i % ids.length] = 500_000 + i;
      seen.add(scanRequestHash(groups, [], ids));
    }
    assert.equal(seen.size, 20_000);
  });
});
