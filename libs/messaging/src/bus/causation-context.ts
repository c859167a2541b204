import { randomUUID } from 'node:crypto';
import type { CausationContext } from '#contracts';
import type { BusMessage } from './bus-message.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The causation context for any edge (bus meta, HTTP headers): the caller's correlation and trace carry
 * into the events it causes. Values the event store would refuse (a non-UUID correlation id, a malformed
 * traceparent) are replaced rather than failing the command.
 */
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

/** The causation context of a command that came over the bus. */
export function contextFromBus(message: BusMessage, actor: string | null): CausationContext {
  return causationContext(message.meta, actor);
}
