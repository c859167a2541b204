import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';

describe('npm run bench: a bad --rescan-repeats, --big-revisions, --quiet-wait, --clients, --revisions, --concurrency, --rescan-rounds or --report-computers', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'watershed-bench-args-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const bad of ['0', '21', '2.5', 'x', '-1']) {
    it(`--rescan-repeats ${bad}: exits non-zero with the reason before any work, writing nothing`, () => {
      const out = path.join(dir, `out-${bad}`);
      const run = spawnSync(process.execPath, [path.resolve('dist/test/bench/main.js'), '--quick', `--rescan-repeats=${bad}`, '--out', out], { encoding: 'utf8', timeout: 60_000 });
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, /--rescan-repeats: a whole number from 1 to 20, not /);
      assert.doesNotMatch(run.stderr, /\[bench /, 'no scenario started');
      assert.equal(existsSync(out), false, 'no results written');
    });
  }

  for (const bad of ['0', '10000,', '10000,x', '2000000', '99.5']) {
    it(`--big-revisions ${bad}: exits non-zero with the reason before any work, writing nothing`, () => {
      const out = path.join(dir, `big-${bad}`);
      const run = spawnSync(process.execPath, [path.resolve('dist/test/bench/main.js'), '--quick', `--big-revisions=${bad}`, '--out', out], { encoding: 'utf8', timeout: 60_000 });
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, /--big-revisions: whole numbers from 100 to 1000000, separated by commas, not /);
      assert.doesNotMatch(run.stderr, /\[bench /, 'no scenario started');
      assert.equal(existsSync(out), false, 'no results written');
    });
  }

  for (const bad of ['-1', '3601', '1.5', 'soon']) {
    it(`--quiet-wait ${bad}: exits non-zero with the reason before any work, writing nothing`, () => {
      const out = path.join(dir, `quiet-${bad}`);
      const run = spawnSync(process.execPath, [path.resolve('dist/test/bench/main.js'), '--quick', `--quiet-wait=${bad}`, '--out', out], { encoding: 'utf8', timeout: 60_000 });
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, /--quiet-wait: whole seconds from 0 to 3600, not /);
      assert.doesNotMatch(run.stderr, /\[bench /, 'no scenario started');
      assert.equal(existsSync(out), false, 'no results written');
    });
  }

  for (const [flag, bad, range] of [['clients', '0', '1 to 100000'], ['clients', '1e3x', '1 to 100000'], ['revisions', '50', '100 to 1000000'], ['concurrency', '2.5', '1 to 1000'], ['rescan-rounds', '-3', '1 to 1000'], ['report-computers', '-1', '0 to 1000000']] as const) {
    it(`--${flag} ${bad}: exits non-zero with the reason before any work, writing nothing`, () => {
      const out = path.join(dir, `${flag}-${bad}`);
      const run = spawnSync(process.execPath, [path.resolve('dist/test/bench/main.js'), '--quick', `--${flag}=${bad}`, '--out', out], { encoding: 'utf8', timeout: 60_000 });
      assert.notEqual(run.status, 0);
      assert.ok(run.stderr.includes(`--${flag}: a whole number from ${range}, not ${bad}`), run.stderr);
      assert.doesNotMatch(run.stderr, /\[bench /, 'no scenario started');
      assert.equal(existsSync(out), false, 'no results written');
    });
  }

  for (const [env, reason] of [
    [{ BENCH_SERVER_CPUS: 'zero' }, /BENCH_SERVER_CPUS: a CPU list like 0, 0-1 or 0,2, not "zero"/],
    [{ BENCH_FLEET_CPUS: '4096' }, /BENCH_FLEET_CPUS: CPU 4096 does not exist/],
    [{ BENCH_SERVER_CPUS: '0', BENCH_FLEET_CPUS: '0' }, /BENCH_SERVER_CPUS and BENCH_FLEET_CPUS share CPU 0/],
  ] as const) {
    it(`${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')}: exits non-zero with the reason before any work, writing nothing`, () => {
      const out = path.join(dir, `cpus-${Object.values(env).join('-')}`);
      const run = spawnSync(process.execPath, [path.resolve('dist/test/bench/main.js'), '--quick', '--out', out], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, reason);
      assert.doesNotMatch(run.stderr, /\[bench /, 'no scenario started');
      assert.equal(existsSync(out), false, 'no results written');
    });
  }

  it('BENCH_FLEET_PROFILE_DIR under a file: exits non-zero with the reason before any work, writing nothing', () => {
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    const out = path.join(dir, 'fleet-profile');
    const run = spawnSync(process.execPath, [path.resolve('dist/test/bench/main.js'), '--quick', '--out', out], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, BENCH_FLEET_PROFILE_DIR: path.join(file, 'profiles') } });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /BENCH_FLEET_PROFILE_DIR: cannot make .*a-file\/profiles/);
    assert.doesNotMatch(run.stderr, /\[bench /, 'no scenario started');
    assert.equal(existsSync(out), false, 'no results written');
  });
});
