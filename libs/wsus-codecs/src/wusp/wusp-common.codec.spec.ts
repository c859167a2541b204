import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stripUndefined } from './wusp-common.codec.js';

describe('stripUndefined', () => {
  it('drops only undefined values, keeps falsy ones and the key order, and leaves its input alone', () => {
    const input = { a: 0, b: undefined, c: false, d: '', e: null, f: undefined, g: [1] } as const;
    const out = stripUndefined<{ a: number; b?: string; c: boolean; d: string; e: null; f?: number; g: readonly number[] }>(input);
    assert.deepEqual(Object.entries(out), [
      ['a', 0],
      ['c', false],
      ['d', ''],
      ['e', null],
      ['g', [1]],
    ]);
    assert.ok(!('b' in out) && !('f' in out));
    assert.notEqual(out, input as object);
    assert.ok('b' in input, 'the input keeps its keys');
    assert.equal(out.g, input.g, 'values are not copied');
  });
});
