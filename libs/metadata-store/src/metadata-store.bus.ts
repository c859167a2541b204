import { randomUUID } from 'node:crypto';
import { type CausationContext, CodedError, ErrorCodes } from '#contracts';
import { type BusMessage, isBusMessage } from '#messaging';
import type { z } from 'zod';

/** The payload of a bus message, checked against its schema; anything else is REQUEST.INVALID. */
export function parsePayload<S extends z.ZodType>(schema: S, message: unknown): z.output<S> {
  if (!isBusMessage(message)) throw new CodedError(ErrorCodes.ValidationFailed, 'expected a bus message {meta, payload}');
  const result = schema.safeParse(message.payload);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`);
    throw new CodedError(ErrorCodes.ValidationFailed, `invalid payload: ${issues.slice(0, 10).join('; ')}`, { issues });
  }
  return result.data;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The causation context of a command that came over the bus: its correlation and trace carry into
 * the events it causes. Values the event store would refuse (a caller's non-UUID correlation id)
 * are replaced rather than failing the command.
 */
export function contextFromBus(message: BusMessage, actor: string | null): CausationContext {
  return causationContext(message.meta, actor);
}

/** The same for any edge (bus meta, HTTP headers): keep what the store accepts, replace the rest. */
export function causationContext(
  origin: { correlationId: string | null; causationId: string | null; traceparent: string | null },
  actor: string | null,
): CausationContext {
  return {
    correlationId: origin.correlationId !== null && UUID.test(origin.correlationId) ? origin.correlationId : randomUUID(),
    causationId: origin.causationId !== null && UUID.test(origin.causationId) ? origin.causationId : null,
    traceparent: origin.traceparent !== null && TRACEPARENT.test(origin.traceparent) ? origin.traceparent : null,
    actor,
    now: () => new Date(),
    newId: () => randomUUID(),
  };
}
