import { randomUUID } from 'node:crypto';
import { type CausationContext, EventValidationError } from '#contracts';
import type { DurableMessage, DurableQueue } from '#messaging';
import type { Logger } from '#platform';
import type { z } from 'zod';

/**
 * Redeliveries before a message that keeps failing for a transient reason (store unreachable) is
 * given up: JetStream spaces them 0.4 s … 6.4 s apart, long enough to ride out a failover.
 */
export const REPORTING_MAX_DELIVERIES = 5;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** A message that can never succeed however often it is delivered. */
export class PoisonMessageError extends Error {
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(message);
    this.name = 'PoisonMessageError';
  }
}

export interface DurableWork<T> {
  readonly subject: string;
  readonly consumer: string;
  readonly schema: z.ZodType<T>;
  handle(command: T, message: DurableMessage<unknown>): Promise<void>;
}

/**
 * Consumes one durable subject with validation. A message that fails validation (or that the store
 * rejects as invalid) is given up at once and logged with its correlation id: redelivering it would
 * fail the same way and only delay the work behind it. Other failures are thrown, so the queue
 * redelivers them up to REPORTING_MAX_DELIVERIES times and then gives up (logged the same way).
 */
export function consumeValidated<T>(queue: DurableQueue, logger: Logger, work: DurableWork<T>): Promise<() => Promise<void>> {
  const giveUp = (message: DurableMessage<unknown>, error: unknown): void => {
    logger.error(
      {
        subject: message.subject,
        consumer: work.consumer,
        messageId: message.messageId,
        correlationId: message.correlationId,
        deliveryAttempt: message.deliveryAttempt,
        issues: error instanceof PoisonMessageError ? error.issues : undefined,
        err: error instanceof PoisonMessageError ? undefined : error,
      },
      `reporting gave up a ${message.subject} message: ${error instanceof Error ? error.message : String(error)}`,
    );
  };
  return queue.consume<unknown>(
    work.subject,
    async (message) => {
      try {
        const parsed = work.schema.safeParse(message.payload);
        if (!parsed.success) {
          throw new PoisonMessageError(
            'invalid payload',
            parsed.error.issues.slice(0, 20).map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`),
          );
        }
        await work.handle(parsed.data, message);
      } catch (error) {
        if (error instanceof PoisonMessageError || error instanceof EventValidationError) {
          giveUp(message, error);
          return; // acknowledged: never redelivered
        }
        throw error;
      }
    },
    { consumer: work.consumer, maxDeliveries: REPORTING_MAX_DELIVERIES, onGiveUp: giveUp },
  );
}

/** The causation context of events written for a durable message. */
export function contextOf(message: DurableMessage<unknown>, actor: string, now: () => Date): CausationContext {
  return {
    correlationId: UUID.test(message.correlationId) ? message.correlationId : randomUUID(),
    causationId: UUID.test(message.messageId) ? message.messageId : null,
    traceparent: message.traceparent !== null && TRACEPARENT.test(message.traceparent) ? message.traceparent : null,
    actor,
    now,
    newId: randomUUID,
  };
}
