import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { EventEmitter } from 'node:events';
import { after, describe, it } from 'node:test';
import { requireServices, TEST_PG_ADMIN_URL, withPgClient } from '../support/required-services.js';
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

describe('an interrupted bench run', async () => {
  const postgresSkip = await requireServices('postgres');

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

  /** The bench's own databases on the test PostgreSQL (createTestDatabase names them with its pid). */
  const databasesOf = async (pid: number): Promise<string[]> =>
    withPgClient(TEST_PG_ADMIN_URL, async (admin) =>
      (await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`watershed_bench_%_${pid}_%`])).rows.map((r) => r.datname),
    );

  /**
   * Starts `npm run bench -- --quick --scenarios scan <args>`, sends SIGTERM once the catalog import
   * has stored its first files (the rest is in flight then, and fails as the server stops), and checks
   * what is left.
   */
  const interruptMidImport = async (args: readonly string[], whileServing: (benchPid: number) => Promise<void> = async () => undefined): Promise<number> => {
    const [markerName, markerValue] = ['WATERSHED_BENCH_RUN', randomUUID()];
    const marker = `${markerName}=${markerValue}`;
    const out = mkdtempSync(path.join(os.tmpdir(), 'watershed-bench-interrupted-'));
    const bench = spawn(process.execPath, [path.resolve('dist/test/bench/main.js'), '--quick', '--scenarios', 'scan', ...args, '--out', out], {
      // Its scenario's data directory goes under `out` (os.tmpdir() reads TMPDIR), where this test looks for it.
      env: { ...process.env, TMPDIR: out, [markerName]: markerValue },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    bench.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => bench.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 120_000;
      const importing = (): boolean => readdirSync(out).some((entry) => entry.startsWith('watershed-bench-') && existsSync(path.join(out, entry, 'content')));
      while (!importing()) {
        assert.ok(Date.now() < deadline, `the import did not start: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await whileServing(bench.pid!);
      bench.kill('SIGTERM');
      assert.equal(await exited, 143, stderr);
      assert.match(stderr, /SIGTERM: stopping the servers this run started/);
      assert.deepEqual(processesWith(marker), [], 'no process of the run is left');
      assert.deepEqual(readdirSync(out).filter((entry) => entry.startsWith('watershed-bench-')), [], 'no data directory of the run is left');
      return bench.pid!;
    } finally {
      bench.kill('SIGKILL');
      for (const pid of processesWith(marker)) process.kill(pid, 'SIGKILL');
      rmSync(out, { recursive: true, force: true });
    }
  };

  it('stops the servers it started on SIGTERM mid-import and exits 143, leaving none running and no data directory', async () => {
    await interruptMidImport([]);
  });

  it('on PostgreSQL, also drops the database it created', { skip: postgresSkip }, async () => {
    const pid = await interruptMidImport(['--store', 'postgres'], async (benchPid) => {
      assert.equal((await databasesOf(benchPid)).length, 1, 'the run made its database');
    });
    assert.deepEqual(await databasesOf(pid), [], 'no database of the run is left');
  });
});
