import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

/** The benchmark's smoke test: `bench --quick` runs end to end and produces every number. No timing. */
describe('npm run bench -- --quick', () => {
  it('produces the JSON document, the table and the chart, with no failed request', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'watershed-bench-out-'));
    try {
      const run = spawnSync(process.execPath, [path.resolve('dist/test/bench/main.js'), '--quick', '--out', out], { encoding: 'utf8', timeout: 240_000 });
      assert.equal(run.status, 0, run.stderr);
      const document = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as {
        quick: boolean;
        machine: { cpus: number };
        scenarios: { scenario: string; watershed: { requestsPerSecond: number; megabytesPerSecond: number; latencyMs: { p99: number; count: number }; errors: number }[]; ceiling: unknown[]; ratioToCeiling: { ratio: number }[] }[];
      };
      assert.equal(document.quick, true);
      assert.ok(document.machine.cpus > 0);
      const content = document.scenarios.find((s) => s.scenario === 'content-download');
      assert.ok(content);
      assert.equal(content.watershed.length, content.ceiling.length);
      for (const run of content.watershed) {
        assert.ok(run.requestsPerSecond > 0 && run.megabytesPerSecond > 0 && run.latencyMs.count > 0 && run.latencyMs.p99 > 0);
        assert.equal(run.errors, 0);
      }
      assert.ok(content.ratioToCeiling.every((r) => r.ratio > 0));
      assert.match(readFileSync(path.join(out, 'content-latency.svg'), 'utf8'), /^<svg /);
      assert.match(run.stdout, /content-download\s+watershed/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
