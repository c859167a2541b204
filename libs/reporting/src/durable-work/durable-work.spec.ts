import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { EventValidationError } from '#contracts';
import { InProcessDurableQueue } from '#messaging';
import { pino } from 'pino';
import { z } from 'zod';
import { consumeValidated, REPORTING_MAX_DELIVERIES } from './durable-work.js';

const SUBJECT = 'wsus.reporting.cmd.durable-work-test';

function harness(handle: (n: number) => Promise<void>) {
  const queue = new InProcessDurableQueue();
  const lines: { correlationId?: string; deliveryAttempt?: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  const ready = consumeValidated(queue, logger, {
    subject: SUBJECT,
    consumer: 'test',
    schema: z.object({ n: z.number() }),
    handle: (command) => handle(command.n),
  });
  const send = async (payload: unknown, correlationId = randomUUID()) => {
    await ready;
    await queue.enqueue(SUBJECT, { messageId: randomUUID(), payload, correlationId });
    return correlationId;
  };
  return { send, lines };
}

describe('durable reporting work', () => {
  it('gives up an invalid payload on its first delivery and logs its correlation id', async () => {
    const handled: number[] = [];
    const h = harness(async (n) => void handled.push(n));
    const poison = await h.send({ n: 'one' });
    await h.send({ n: 2 });
    assert.deepEqual(handled, [2]);
    assert.deepEqual(h.lines.map((l) => [l.correlationId, l.deliveryAttempt]), [[poison, 1]]);
  });

  it('gives up at once what the store rejects as invalid', async () => {
    const h = harness(async () => {
      throw new EventValidationError('ClientEventReported', ['data.eventId: expected number']);
    });
    const id = await h.send({ n: 1 });
    assert.deepEqual(h.lines.map((l) => [l.correlationId, l.deliveryAttempt]), [[id, 1]]);
  });

  it('retries a transient failure a bounded number of times, then gives up and logs it', async () => {
    let attempts = 0;
    const h = harness(async () => {
      attempts += 1;
      throw new Error('store unreachable');
    });
    const correlationId = randomUUID();
    await assert.rejects(h.send({ n: 1 }, correlationId), /store unreachable/);
    assert.equal(attempts, REPORTING_MAX_DELIVERIES);
    assert.deepEqual(h.lines.map((l) => [l.correlationId, l.deliveryAttempt]), [[correlationId, REPORTING_MAX_DELIVERIES]]);
  });
});
