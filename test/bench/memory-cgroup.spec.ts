import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMemoryLimit } from './memory-cgroup.js';

describe('BENCH_SERVER_MEMORY_LIMIT sizes', () => {
  it('reads the sizes a container limit is written in, in binary units', () => {
    assert.equal(parseMemoryLimit('1g'), 2 ** 30);
    assert.equal(parseMemoryLimit('1Gi'), 2 ** 30);
    assert.equal(parseMemoryLimit('768m'), 768 * 2 ** 20);
    assert.equal(parseMemoryLimit('512MiB'), 512 * 2 ** 20);
    assert.equal(parseMemoryLimit('4096k'), 4 * 2 ** 20);
    assert.equal(parseMemoryLimit('1048576'), 2 ** 20);
  });

  it('refuses anything else with the variable named', () => {
    for (const bad of ['', 'lots', '1.5g', '-1g', '1t', 'g']) {
      assert.throws(() => parseMemoryLimit(bad), /BENCH_SERVER_MEMORY_LIMIT/);
    }
  });
});
