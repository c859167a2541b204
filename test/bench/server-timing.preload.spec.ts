import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

/**
 * The bench's preload in a real process with a real HTTP server: `app;dur` always, `queue;dur` only
 * for a request stamped with a sane send time, and the queue is the time a request waited for a busy
 * event loop (the server here blocks its loop for 150 ms on /block).
 */
const SERVER = `
const http = require('node:http');
http.createServer((request, response) => {
  if (request.url === '/block') { const until = Date.now() + 150; while (Date.now() < until); }
  setTimeout(() => response.end('ok'), request.url === '/slow' ? 30 : 0);
}).listen(0, '127.0.0.1', function () { process.stdout.write(this.address().port + '\\n'); });
`;

const timing = (header: string | null): { app?: number; queue?: number } => {
  const app = /\bapp;dur=([\d.]+)/.exec(header ?? '')?.[1];
  const queue = /\bqueue;dur=([\d.]+)/.exec(header ?? '')?.[1];
  return { ...(app === undefined ? {} : { app: Number(app) }), ...(queue === undefined ? {} : { queue: Number(queue) }) };
};

describe('server-timing preload', () => {
  let child: ChildProcess;
  let base: string;

  before(async () => {
    const preload = pathToFileURL(path.resolve('dist/test/bench/server-timing.preload.js')).href;
    child = spawn(process.execPath, ['--import', preload, '-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
    base = `http://127.0.0.1:${chunk.toString().trim()}`;
  });
  after(() => {
    child.kill();
  });

  it('times the application and, for a stamped request, the wait before it', async () => {
    const stamped = await fetch(`${base}/slow`, { headers: { 'X-Bench-Sent-Ns': String(process.hrtime.bigint()) } });
    const t = timing(stamped.headers.get('server-timing'));
    assert.ok(t.app !== undefined && t.app >= 25, `app ${t.app} ms covers the handler's 30 ms`);
    assert.ok(t.queue !== undefined && t.queue >= 0 && t.queue < 1_000, `queue ${t.queue} ms`);
    const plain = timing((await fetch(`${base}/slow`)).headers.get('server-timing'));
    assert.ok(plain.app !== undefined && plain.queue === undefined, 'no stamp: no queue');
  });

  it('ignores a stamp that is not a time on this clock before the request', async () => {
    for (const bad of ['abc', '-5', '1.5', String(process.hrtime.bigint() + 60_000_000_000n), '9'.repeat(25)]) {
      const t = timing((await fetch(`${base}/`, { headers: { 'X-Bench-Sent-Ns': bad } })).headers.get('server-timing'));
      assert.ok(t.app !== undefined && t.queue === undefined, `stamp ${bad}: ${JSON.stringify(t)}`);
    }
  });

  it('counts the time a request waited for a blocked event loop as queue, not app', async () => {
    const blocker = fetch(`${base}/block`);
    await new Promise((r) => setTimeout(r, 30));
    const waiting = await fetch(`${base}/`, { headers: { 'X-Bench-Sent-Ns': String(process.hrtime.bigint()) } });
    await blocker;
    const t = timing(waiting.headers.get('server-timing'));
    assert.ok(t.queue !== undefined && t.queue >= 60, `queue ${t.queue} ms while the loop was blocked`);
    assert.ok(t.app !== undefined && t.app < t.queue, `app ${t.app} ms is the handler's own`);
  });
});
