import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { DurableMessage, DurableQueue } from '#messaging';
import { waitFor } from './bus.contract.js';

export interface DurableTarget {
  readonly name: string;
  readonly skip: false | string;
  open(): Promise<DurableQueue>;
  cleanup?(): Promise<void>;
}

/** At-least-once delivery, idempotent enqueue, bounded redelivery: equal for JetStream and in-process. */
export function durableQueueContract(target: DurableTarget): void {
  describe(`durable queue contract on ${target.name}`, { skip: target.skip }, () => {
    let queue: DurableQueue;
    before(async () => {
      queue = await target.open();
    });
    after(async () => {
      await queue?.close();
      await target.cleanup?.();
    });

    it('delivers every enqueued message to the consumer, with its context', async () => {
      const subject = `wsus.reporting.cmd.contract-${randomUUID().slice(0, 8)}`;
      const got: DurableMessage<{ i: number }>[] = [];
      const stop = await queue.consume<{ i: number }>(subject, async (m) => void got.push(m), { consumer: `c-${randomUUID().slice(0, 8)}` });
      const correlationId = randomUUID();
      for (let i = 0; i < 10; i += 1) {
        await queue.enqueue(subject, { messageId: randomUUID(), payload: { i }, correlationId, traceparent: null });
      }
      await waitFor(() => got.length === 10);
      await stop();
      assert.deepEqual(got.map((m) => m.payload.i).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.ok(got.every((m) => m.correlationId === correlationId && m.deliveryAttempt === 1 && m.subject === subject));
    });

    it('stores a retried enqueue of one messageId once', async () => {
      const subject = `wsus.reporting.cmd.contract-${randomUUID().slice(0, 8)}`;
      const got: string[] = [];
      const stop = await queue.consume(subject, async (m) => void got.push(m.messageId), { consumer: `c-${randomUUID().slice(0, 8)}` });
      const messageId = randomUUID();
      for (let i = 0; i < 3; i += 1) await queue.enqueue(subject, { messageId, payload: {}, correlationId: randomUUID() });
      await queue.enqueue(subject, { messageId: randomUUID(), payload: {}, correlationId: randomUUID() });
      await waitFor(() => got.length >= 2);
      await new Promise((r) => setTimeout(r, 300));
      await stop();
      assert.equal(got.filter((id) => id === messageId).length, 1);
    });

    it('redelivers after a failure until the handler succeeds', async () => {
      const subject = `wsus.reporting.cmd.contract-${randomUUID().slice(0, 8)}`;
      const attempts: number[] = [];
      const stop = await queue.consume(
        subject,
        async (m) => {
          attempts.push(m.deliveryAttempt);
          if (m.deliveryAttempt < 2) throw new Error('transient');
        },
        { consumer: `c-${randomUUID().slice(0, 8)}`, maxDeliveries: 4 },
      );
      await queue.enqueue(subject, { messageId: randomUUID(), payload: {}, correlationId: randomUUID() });
      await waitFor(() => attempts.length === 2);
      await stop();
      assert.deepEqual(attempts, [1, 2]);
    });

    it('gives up after maxDeliveries and reports it', async () => {
      const subject = `wsus.reporting.cmd.contract-${randomUUID().slice(0, 8)}`;
      let calls = 0;
      const givenUp: string[] = [];
      const stop = await queue.consume(
        subject,
        async () => {
          calls += 1;
          throw new Error('permanent');
        },
        { consumer: `c-${randomUUID().slice(0, 8)}`, maxDeliveries: 2, onGiveUp: (m) => givenUp.push(m.messageId) },
      );
      const messageId = randomUUID();
      await queue.enqueue(subject, { messageId, payload: {}, correlationId: randomUUID() }).catch(() => undefined);
      await waitFor(() => givenUp.length === 1);
      await new Promise((r) => setTimeout(r, 300));
      await stop();
      assert.equal(calls, 2);
      assert.deepEqual(givenUp, [messageId]);
    });
  });
}
