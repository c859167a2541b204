import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Module } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { ClientEventReported, ComputerRegistered, computerStream, DEPLOYMENT_EVENTS, METADATA_EVENTS, type RecordedEvent } from '#contracts';
import { loadConfig, type RunningServer, type ServiceRegistration, serve } from '#platform';
import {
  COMPUTER_LIST_SUBJECT,
  COMPUTER_REPORT_SUBJECT,
  type ComputerList,
  type ComputerReport,
  RECORD_EVENTS_SUBJECT,
  REGISTER_COMPUTER_SUBJECT,
  ReportingService,
  UPDATE_STATUS_REPORT_SUBJECT,
  type UpdateStatusReport,
} from '#reporting';
import { createTestDatabase, requireServices, TEST_NATS_URL, uniqueNatsNamespace } from '#test-support';
import { EMPTY_COUNTS } from '../src/domain/update-status.js';
import { clientEvent, importUpdate, registration } from './reporting-fixtures.js';

/** The catalog and deployment events the projection reads; their services are not under test here. */
@Module({})
class NoModule {}
const CatalogEvents: ServiceRegistration = {
  name: 'metadata-store',
  module: NoModule,
  eventDefinitions: [...METADATA_EVENTS, ...DEPLOYMENT_EVENTS],
  migrations: [],
};

interface Target {
  readonly name: string;
  readonly skip: false | string;
  start(logger: pino.Logger): Promise<{ server: RunningServer; cleanup(): Promise<void> }>;
}

async function waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function reportingServiceSuite(target: Target): void {
  describe(`reporting service on ${target.name}`, { skip: target.skip }, () => {
    let server: RunningServer;
    let cleanup: () => Promise<void>;
    const logLines: string[] = [];
    const U1 = 'd1111111-1111-4111-8111-111111111111';
    const U2 = 'd2222222-2222-4222-8222-222222222222';

    before(async () => {
      const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
      ({ server, cleanup } = await target.start(logger));
    });
    after(async () => {
      await server?.stop('test done');
      await cleanup?.();
    });

    const enqueue = (subject: string, payload: unknown, correlationId = randomUUID()): Promise<void> =>
      server.runtime.durable.enqueue(subject, { messageId: randomUUID(), payload, correlationId, traceparent: null });
    const streamEvents = async (computerId: string): Promise<RecordedEvent[]> =>
      (await server.runtime.store.readStream(computerStream(computerId))).events;

    it('appends ComputerRegistered for a registration, and again only when something changed', async () => {
      const first = registration('w1', 'pc-w1.lab');
      await enqueue(REGISTER_COMPUTER_SUBJECT, first);
      await enqueue(REGISTER_COMPUTER_SUBJECT, { ...first });
      await enqueue(REGISTER_COMPUTER_SUBJECT, { ...first, clientIp: '10.0.0.99' });
      // The consumer handles one message at a time, in order: once the third is stored, the second was handled.
      const events = await waitFor(async () => {
        const e = (await streamEvents('w1')).filter((x) => x.type === ComputerRegistered.type);
        return e.some((x) => (x.data as { clientIp: string }).clientIp === '10.0.0.99') && e;
      }, 'the changed registration');
      assert.deepEqual(events.map((e) => (e.data as { clientIp: string }).clientIp), ['10.0.0.5', '10.0.0.99']);
      assert.equal(events[0]!.metadata.actor, 'w1');
    });

    it('stores each client event once, keyed by EventInstanceID, however often its batch comes', async () => {
      await importUpdate(server.runtime.store, U1, 'Security update 1');
      await importUpdate(server.runtime.store, U2, 'Security update 2');
      await new Promise((r) => setTimeout(r, 20)); // the client scans after the updates arrived
      const now = Date.now();
      const snapshot = clientEvent('w1', { eventId: 156, at: now - 5, miscData: ['A=0', `U=${U1};${U2}`] });
      const installed = clientEvent('w1', { eventId: 183, at: now - 2, updateId: U1 });
      const batch = { computerId: 'w1', events: [snapshot, installed, installed] };
      const correlationId = randomUUID();
      await enqueue(RECORD_EVENTS_SUBJECT, batch, correlationId);
      await enqueue(RECORD_EVENTS_SUBJECT, batch); // the client did not get our answer and sent it again
      const { computerId: _omitted, ...failedWithoutComputerId } = clientEvent('w1', { eventId: 182, at: now - 1, updateId: U2 });
      await enqueue(RECORD_EVENTS_SUBJECT, { computerId: 'w1', events: [installed, failedWithoutComputerId] });
      const stored = await waitFor(async () => {
        const e = (await streamEvents('w1')).filter((x) => x.type === ClientEventReported.type);
        return e.some((x) => (x.data as { eventId: number }).eventId === 182) && e;
      }, 'the third batch');
      assert.deepEqual(stored.map((e) => (e.data as { eventId: number }).eventId), [156, 183, 182]);
      assert.deepEqual(stored.map((e) => e.metadata.messageId), [snapshot.eventInstanceId, installed.eventInstanceId, failedWithoutComputerId.eventInstanceId]);
      assert.equal(stored[0]!.metadata.correlationId, correlationId);
      assert.equal((stored[2]!.data as { computerId: string }).computerId, 'w1');
    });

    it('gives up a poison message at once, logged with its correlation id, and handles the next one', async () => {
      const poison = randomUUID();
      await enqueue(RECORD_EVENTS_SUBJECT, { computerId: 'w1', events: [{ eventId: 'not a number' }] }, poison);
      const badStream = randomUUID();
      await enqueue(REGISTER_COMPUTER_SUBJECT, registration('not a stream id!', 'x'), badStream);
      const next = clientEvent('w2', { eventId: 147, at: Date.now() });
      await enqueue(RECORD_EVENTS_SUBJECT, { computerId: 'w2', events: [next] });
      await waitFor(async () => (await streamEvents('w2')).length === 1, 'the message after the poison');
      const gaveUp = logLines.map((l) => JSON.parse(l) as { correlationId?: string; deliveryAttempt?: number; level: number; issues?: string[] });
      const poisonLog = gaveUp.filter((l) => l.correlationId === poison);
      assert.equal(poisonLog.length, 1, 'given up on the first delivery, not retried');
      assert.equal(poisonLog[0]!.level, 50);
      assert.equal(poisonLog[0]!.deliveryAttempt, 1);
      assert.match(poisonLog[0]!.issues!.join(), /events\.0\.eventId/);
      assert.equal(gaveUp.filter((l) => l.correlationId === badStream).length, 1);
    });

    it('answers the computer, update-status and computers queries over the bus from the projection', async () => {
      const report = await waitFor(async () => {
        const r = await server.runtime.bus.request<ComputerReport>(COMPUTER_REPORT_SUBJECT, { computerId: 'w1' });
        // The projection applies the two batches in steps; wait for the state both leave behind.
        return r.updates.some((u) => u.status === 'failed') && r.summary.failed === 1 && r.summary.installed === 1 && r;
      }, 'the projection to catch up');
      // w2's registration travels on its own durable message: wait until the projection has it too.
      await waitFor(async () => {
        const all = await server.runtime.bus.request<ComputerList>(COMPUTER_LIST_SUBJECT, { limit: 10 });
        return all.total === 2 && all;
      }, 'both registrations to be projected');
      assert.equal(report.computer.dnsName, 'pc-w1.lab');
      assert.equal(report.computer.clientIp, '10.0.0.99');
      assert.deepEqual(report.updates.map((u) => [u.updateId, u.status, u.eventId]), [
        [U1, 'installed', 183],
        [U2, 'failed', 182],
      ]);
      assert.deepEqual(report.summary, { ...EMPTY_COUNTS, installed: 1, failed: 1 });

      const u1 = await server.runtime.bus.request<UpdateStatusReport>(UPDATE_STATUS_REPORT_SUBJECT, { updateId: U1.toUpperCase(), byGroup: true });
      assert.equal(u1.updateId, U1);
      assert.equal(u1.title, 'Security update 1');
      assert.deepEqual(u1.counts, { ...EMPTY_COUNTS, installed: 1, noStatus: 1 }, 'w2 never sent a status report');
      assert.equal(u1.groups?.length, 2, 'All Computers and Unassigned Computers');

      const list = await server.runtime.bus.request<ComputerList>(COMPUTER_LIST_SUBJECT, { limit: 1 });
      assert.equal(list.total, 2);
      assert.deepEqual(list.computers.map((c) => [c.computerId, c.installed, c.failed]), [['w2', 0, 0]]);
      const rest = await server.runtime.bus.request<ComputerList>(COMPUTER_LIST_SUBJECT, { limit: 1, after: list.next });
      assert.deepEqual(rest.computers.map((c) => [c.computerId, c.installed, c.failed]), [['w1', 1, 1]]);
      assert.equal(rest.next, null);

      await assert.rejects(server.runtime.bus.request(UPDATE_STATUS_REPORT_SUBJECT, { updateId: 'nope' }), { code: 'REQUEST.INVALID' });
      await assert.rejects(server.runtime.bus.request(COMPUTER_REPORT_SUBJECT, { computerId: 'nobody' }), { code: 'COMPUTER.NOT_FOUND' });
    });
  });
}

const baseEnv = { WATERSHED_LOG_LEVEL: 'silent', WATERSHED_INSTANCE_ID: '' };
const overrides = { port: '0', host: '127.0.0.1' };

reportingServiceSuite({
  name: 'the all-in-one runtime (PGlite, in-process bus and durable queue)',
  skip: false,
  start: async (logger) => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-reporting-'));
    const config = loadConfig({ ...baseEnv, WATERSHED_DATA_DIR: dataDir, DATABASE_URL: '', NATS_URL: '' }, overrides);
    const server = await serve(config, logger, [ReportingService, CatalogEvents]);
    return { server, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
  },
});

const skipReal = await requireServices('postgres', 'nats');
reportingServiceSuite({
  name: 'PostgreSQL and NATS JetStream',
  skip: skipReal,
  start: async (logger) => {
    const db = await createTestDatabase('reporting_svc');
    const { namespace, streamName } = uniqueNatsNamespace('reporting');
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-reporting-'));
    const config = loadConfig(
      {
        ...baseEnv,
        WATERSHED_DATA_DIR: dataDir,
        DATABASE_URL: db.url,
        NATS_URL: TEST_NATS_URL,
        WATERSHED_NATS_NAMESPACE: namespace,
        WATERSHED_NATS_STREAM: streamName,
      },
      overrides,
    );
    const server = await serve(config, logger, [ReportingService, CatalogEvents]);
    return {
      server,
      cleanup: async () => {
        const nc = await connect({ servers: TEST_NATS_URL });
        await (await jetstreamManager(nc)).streams.delete(streamName).catch(() => undefined);
        await nc.close();
        await db.drop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
});
