import type { EventMetadata, NewEvent } from './event-envelope.js';

/**
 * The context a use case runs in: who asked, under which correlation, at what time, with which id
 * source. Passed in rather than read from globals so deciders stay pure and tests deterministic.
 */
export interface CausationContext {
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly traceparent: string | null;
  readonly actor: string | null;
  readonly now: () => Date;
  readonly newId: () => string;
}

export function newEvent<TType extends string, TData>(
  context: CausationContext,
  type: TType,
  schemaVersion: number,
  data: TData,
): NewEvent<TType, TData> {
  const metadata: EventMetadata = {
    messageId: context.newId(),
    correlationId: context.correlationId,
    causationId: context.causationId,
    traceparent: context.traceparent,
    occurredAt: context.now().toISOString(),
    actor: context.actor,
  };
  return { type, schemaVersion, data, metadata };
}
