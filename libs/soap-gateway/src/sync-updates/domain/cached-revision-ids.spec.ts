import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CachedRevisionIds } from './cached-revision-ids.js';

const indexedUpTo =
  (max: number) =>
  (id: number): boolean =>
    id >= 1 && id <= max;

describe('CachedRevisionIds (the reused set of a call\'s cached ids)', () => {
  it('adds each id once per call and forgets the previous call\'s ids', () => {
    const set = new CachedRevisionIds();
    set.begin();
    assert.deepEqual([5, 7, 5, 900].map((id) => set.add(id, indexedUpTo(1000))), [true, true, false, true]);
    assert.ok(set.has(5) && set.has(7) && set.has(900));
    assert.ok(!set.has(6) && !set.has(0));
    set.begin();
    assert.ok(!set.has(5) && !set.has(900), 'a new call starts empty');
    assert.equal(set.add(5, indexedUpTo(1000)), true);
  });

  it('grows for ids the index holds past its length, and keeps them apart from the previous ones', () => {
    const set = new CachedRevisionIds();
    set.begin();
    assert.equal(set.add(3, indexedUpTo(200_000)), true);
    assert.equal(set.add(150_000, indexedUpTo(200_000)), true);
    assert.equal(set.add(150_000, indexedUpTo(200_000)), false);
    assert.ok(set.has(3) && set.has(150_000) && !set.has(149_999));
  });

  it('sets aside ids the index does not hold, negative and fractional ones, without growing for them', () => {
    const set = new CachedRevisionIds();
    set.begin();
    const index = indexedUpTo(10);
    for (const id of [2_000_000_000, -4, 1.5, Number.NaN]) assert.equal(set.add(id, index), true, `${id} added`);
    for (const id of [2_000_000_000, -4, 1.5]) {
      assert.ok(set.has(id), `${id} is in`);
      assert.equal(set.add(id, index), false, `${id} once`);
    }
    assert.ok(!set.has(-5) && !set.has(2.5) && !set.has(1_999_999_999));
    set.begin();
    assert.ok(!set.has(2_000_000_000) && !set.has(-4), 'set-aside ids end with the call');
  });

  it('still knows an id set aside before the marks grew past it', () => {
    const set = new CachedRevisionIds();
    set.begin();
    // 5,000 is not (yet) in the index when first sent; 9,000 is, and grows the marks past 5,000.
    assert.equal(set.add(5_000, (id) => id === 9_000), true);
    assert.equal(set.add(9_000, (id) => id === 9_000), true);
    assert.ok(set.has(5_000));
    assert.equal(set.add(5_000, (id) => id === 9_000), false, 'not added twice');
  });

  it('reads the marks of a generation that comes round again as absent (the wrap-around)', () => {
    const set = new CachedRevisionIds(3);
    set.begin(); // generation 1
    set.add(42, indexedUpTo(100));
    set.begin(); // 2
    assert.ok(!set.has(42));
    set.begin(); // 3 is the last: marks cleared, generation 1 again
    assert.ok(!set.has(42), 'the first call\'s mark does not come back');
    assert.equal(set.add(42, indexedUpTo(100)), true);
  });
});
