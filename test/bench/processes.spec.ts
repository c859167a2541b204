import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { EventEmitter } from 'node:events';
import { after, describe, it } from 'node:test';
import { stampedLineLog, startWatershedForBench } from './processes.js';

const STAMPED = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (.*)$/;

describe('BENCH_SERVER_STDOUT (stampedLineLog)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'watershed-bench-log-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('appends each line once, stamped, across chunk boundaries and a last line without a newline, keeping what the file held', async () => {
    const file = path.join(dir, 'server.log');
    writeFileSync(file, 'earlier run\n');
    const stream = new PassThrough();
    const exited = new EventEmitter();
    stampedLineLog(file).attach(stream, exited);
    stream.write('one\ntw');
    stream.write('o\nthree');
    await new Promise((r) => setImmediate(r));
    exited.emit('exit');
    await new Promise((r) => setTimeout(r, 50));
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
    assert.equal(lines[0], 'earlier run');
    assert.deepEqual(lines.slice(1).map((l) => STAMPED.exec(l)?.[1]), ['one', 'two', 'three']);
  });

  it('refuses a path it cannot open, naming the setting, before a server is started', async () => {
    const missing = path.join(dir, 'no-such-dir', 'server.log');
    assert.throws(() => stampedLineLog(missing), /BENCH_SERVER_STDOUT: cannot open .*no-such-dir/);
    process.env.BENCH_SERVER_STDOUT = missing;
    try {
      // A root with no build: had a server been spawned, the error would be its exit, not the setting.
      await assert.rejects(startWatershedForBench({}, { root: path.join(dir, 'no-build') }), /BENCH_SERVER_STDOUT: cannot open/);
    } finally {
      delete process.env.BENCH_SERVER_STDOUT;
    }
  });
});
