import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CachedIdSet, detached, el, intList, parseResponse, text, textOf, write } from './wua-xml.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap MiB still used after keeping what `keep` returns for 64 parents of 1 MiB each. */
function retainedMiB(keep: (page: string, i: number) => string): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept: string[] = [];
  for (let i = 0; i < 64; i += 1) {
    const id = `3b4f1a2c-0a0b-4c0d-8e0f-${String(i).padStart(12, '0')}`;
    const page = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><r><Id>${id}</Id><Pad>${'x'.repeat(1 << 20)}${i}</Pad></r></s:Body></s:Envelope>`;
    kept.push(keep(page, i));
  }
  gc();
  const mib = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  assert.equal(kept.length, 64);
  return mib;
}

describe('detached', () => {
  it('keeps a GUID read from a response without the response', () => {
    // The control: a plain read keeps each 1 MiB page alive (V8 slices), so the measure can tell.
    const sliced = retainedMiB((page) => textOf(parseResponse(page), 'Body', 'r', 'Id')!.toLowerCase());
    const copied = retainedMiB((page) => detached(textOf(parseResponse(page), 'Body', 'r', 'Id')!.toLowerCase()));
    assert.ok(sliced > 32, `control: a slice should keep its page (${sliced.toFixed(1)} MiB retained)`);
    assert.ok(copied < 4, `detached ids kept ${copied.toFixed(1)} MiB of pages`);
  });

  it('is the same text, non-ASCII and empty included', () => {
    for (const s of ['', 'Install', '3b4f1a2c-0a0b-4c0d-8e0f-000000000001', 'Prüfung – 更新 🙂']) assert.equal(detached(s), s);
  });
});

describe('intList', () => {
  it('writes the bytes the element builder writes', () => {
    for (const ids of [[], [0], [1, -2, 2_147_483_647], Array.from({ length: 1_000 }, (_, i) => 3 * i + 17)]) {
      assert.equal(write(intList('OtherCachedUpdateIDs', ids)), write(el('OtherCachedUpdateIDs', ...ids.map((id) => text('int', id)))));
    }
    assert.equal(write(intList('revisionIDs', new Set([5, 7]))), '<revisionIDs><int>5</int><int>7</int></revisionIDs>');
  });

  it('refuses what is not a whole number rather than writing it', () => {
    for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) assert.throws(() => intList('revisionIDs', [1, bad]), /revisionIDs: .* is not a whole number/);
  });
});

describe('CachedIdSet', () => {
  it('writes what intList writes, after every kind of change, per name', () => {
    const ids = new CachedIdSet();
    const same = (): void => {
      assert.equal(ids.intList('OtherCachedUpdateIDs'), intList('OtherCachedUpdateIDs', [...ids]));
      assert.equal(ids.intList('installedNonLeafUpdateIDs'), intList('installedNonLeafUpdateIDs', [...ids]));
    };
    same();
    for (const id of [5, 7, 9]) ids.add(id);
    same();
    ids.add(7); // already there: nothing changes
    same();
    ids.delete(5);
    same();
    ids.delete(42); // not there
    same();
    ids.add(5);
    same();
    assert.match(ids.intList('OtherCachedUpdateIDs'), /<int>9<\/int><int>5<\/int>/, 'insertion order, as the set iterates');
    ids.clear();
    same();
    assert.equal(ids.intList('OtherCachedUpdateIDs'), '<OtherCachedUpdateIDs/>');
  });

  it('refuses what intList refuses', () => {
    const ids = new CachedIdSet();
    ids.add(1.5);
    assert.throws(() => ids.intList('OtherCachedUpdateIDs'), /is not a whole number/);
  });
});
