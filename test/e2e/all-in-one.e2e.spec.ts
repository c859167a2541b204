import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runWatershedCli, startWatershed } from '#test-support';

describe('all-in-one server (embedded store, in-process bus)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-e2e-'));
  // The environment of a newcomer's machine: no DATABASE_URL, no NATS_URL.
  const env = { WATERSHED_DATA_DIR: dataDir, DATABASE_URL: '', NATS_URL: '', WATERSHED_INSTANCE_ID: '' };
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves /healthz and /readyz, stops cleanly on SIGTERM, and keeps its events across a restart', async () => {
    const first = await startWatershed(['--port', '0'], env);
    const health = await fetch(`${first.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');
    const ready = await fetch(`${first.url}/readyz`);
    assert.equal(ready.status, 200);
    const status = (await (await fetch(`${first.url}/status`)).json()) as { services: { service: string; reachable: boolean; pid: number }[] };
    assert.deepEqual(status.services.map((s) => [s.service, s.reachable, s.pid]), [
      ['soap-gateway', true, first.pid],
      ['metadata-store', true, first.pid],
      ['deployment', true, first.pid],
      ['reporting', true, first.pid],
      ['sync-worker', true, first.pid],
    ]);
    assert.equal(await first.stop('SIGTERM'), 0);

    const second = await startWatershed(['--port', '0'], env);
    assert.equal((await fetch(`${second.url}/healthz`)).status, 200);
    assert.equal(await second.stop('SIGINT'), 0);

    // Read the log with the CLI, as an operator would, while the server is stopped.
    const listed = runWatershedCli(['events', '--json', '--stream-prefix', 'server-instance-'], env);
    assert.equal(listed.code, 0, listed.stderr);
    const events = (JSON.parse(listed.stdout) as { events: { type: string; data: { pid?: number } }[] }).events;
    assert.deepEqual(events.map((e) => e.type), ['ServerInstanceStarted', 'ServerInstanceStopped', 'ServerInstanceStarted', 'ServerInstanceStopped']);
    assert.equal(events[0]?.data.pid, first.pid);
    assert.equal(events[2]?.data.pid, second.pid);
  });
});

describe('graceful shutdown', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-e2e-'));
  const env = { WATERSHED_DATA_DIR: dataDir, DATABASE_URL: '', NATS_URL: '', WATERSHED_INSTANCE_ID: '' };
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lets a request that is in flight at SIGTERM finish, refuses new connections, then exits 0', async () => {
    const server = await startWatershed(['--port', '0'], env);
    const { hostname, port } = new URL(server.url);
    // A request whose body is still arriving when the signal comes: it is in flight.
    const socket = net.connect(Number(port), hostname);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    let response = '';
    socket.on('data', (c: Buffer) => (response += c.toString()));
    const body = 'x'.repeat(2000);
    socket.write(`POST /healthz HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
    socket.write(body.slice(0, 1000));
    await new Promise((r) => setTimeout(r, 200));

    const exited = server.stop('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    await assert.rejects(fetch(`${server.url}/healthz`), 'a new connection is refused once shutdown began');
    socket.end(body.slice(1000));
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    assert.match(response, /^HTTP\/1\.1 \d{3} /, 'the in-flight request got a complete answer');
    assert.equal(await exited, 0);
  });
});
