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
  const { meta } = message;
  return {
    correlationId: UUID.test(meta.correlationId) ? meta.correlationId : randomUUID(),
    causationId: meta.causationId !== null && UUID.test(meta.causationId) ? meta.causationId : null,
    traceparent: meta.traceparent !== null && TRACEPARENT.test(meta.traceparent) ? meta.traceparent : null,
    actor,
    now: () => new Date(),
    newId: () => randomUUID(),
  };
}
