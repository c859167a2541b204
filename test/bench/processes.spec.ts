import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { EventEmitter } from 'node:events';
import { after, describe, it } from 'node:test';
import { SERVER_NODE_OPTIONS, stampedLineLog, startWatershedForBench } from './processes.js';

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

describe('SERVER_NODE_OPTIONS: the bench runs the server with the Node options the product ships', () => {
  // From the checkout's root, as npm test and npm run bench run.
  const dockerfile = readFileSync(path.resolve('deploy/Dockerfile'), 'utf8');
  const startScript = (JSON.parse(readFileSync(path.resolve('package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start!;

  it('the image sets each of them in NODE_OPTIONS', () => {
    const nodeOptions = /^\s*NODE_OPTIONS="([^"]*)"/m.exec(dockerfile)?.[1];
    assert.ok(nodeOptions !== undefined, 'deploy/Dockerfile sets NODE_OPTIONS="..."');
    const flags = nodeOptions.split(/\s+/).filter((f) => f.startsWith('--max-') || f.startsWith('--min-'));
    assert.deepEqual(flags, [...SERVER_NODE_OPTIONS], 'the image\'s V8 sizing flags are the bench\'s');
  });

  it('npm start passes each of them to node before the server script', () => {
    const command = /\bnode ((?:--\S+ )*)dist\/apps\/watershed\/src\/main\.js serve/.exec(startScript);
    assert.ok(command, `package.json start runs the server with node: ${startScript}`);
    assert.deepEqual(command[1]!.trim().split(/\s+/).filter((f) => f.length > 0), [...SERVER_NODE_OPTIONS]);
  });
});

describe('an interrupted bench run', () => {
  /** Pids of running processes whose environment holds `marker` (every child inherits the bench's). */
  const processesWith = (marker: string): number[] =>
    readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/environ`, 'latin1').includes(marker);
        } catch {
          return false; // gone, or not ours to read
        }
      })
      .map(Number);

  it('stops the servers it started on SIGTERM and exits 143, leaving none running', async () => {
    const marker = `WATERSHED_BENCH_RUN=${randomUUID()}`;
    const out = mkdtempSync(path.join(os.tmpdir(), 'watershed-bench-interrupted-'));
    const bench = spawn(process.execPath, [path.resolve('dist/test/bench/main.js'), '--quick', '--scenarios', 'content', '--out', out], {
      // Its scenario's data directory goes under `out` (os.tmpdir() reads TMPDIR): an interrupted run
      // leaves that behind, and this test removes it with `out`.
      env: { ...process.env, TMPDIR: out, [marker.split('=')[0]!]: marker.split('=')[1]! },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    bench.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => bench.once('exit', (code) => resolve(code)));
    try {
      // Until a server of the run is up (any process with the marker besides the bench itself).
      const deadline = Date.now() + 60_000;
      while (processesWith(marker).filter((pid) => pid !== bench.pid).length === 0) {
        assert.ok(Date.now() < deadline, `no server started: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      bench.kill('SIGTERM');
      assert.equal(await exited, 143, stderr);
      assert.match(stderr, /SIGTERM: stopping the servers this run started/);
      assert.deepEqual(processesWith(marker), [], 'no process of the run is left');
    } finally {
      bench.kill('SIGKILL');
      for (const pid of processesWith(marker)) process.kill(pid, 'SIGKILL');
      rmSync(out, { recursive: true, force: true });
    }
  });
});
