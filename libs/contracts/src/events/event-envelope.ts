import type { LogPosition } from '../log-position/log-position.js';

/**
 * What every stored event carries besides its data, so one trace and one audit line can be followed
 * from an admin's click or a client's report to every effect it had.
 */
export interface EventMetadata {
  /** Unique id of this event; appends are idempotent on it. */
  readonly messageId: string;
  /** The id shared by everything one request caused. */
  readonly correlationId: string;
  /** The messageId of the command or event that caused this one; null for a root cause. */
  readonly causationId: string | null;
  /** W3C trace context of the span that wrote the event, when tracing is on. */
  readonly traceparent: string | null;
  /** When the fact happened, by the writer's clock (ISO 8601). The store adds its own recordedAt. */
  readonly occurredAt: string;
  /** Who caused it: an admin principal, a computer id, a service name. */
  readonly actor: string | null;
}

/** An event as a writer hands it to the store. */
export interface NewEvent<TType extends string = string, TData = unknown> {
  readonly type: TType;
  /** Version of this event type's data schema; readers upcast older versions. */
  readonly schemaVersion: number;
  readonly data: TData;
  readonly metadata: EventMetadata;
}

/** An event as it was committed. */
export interface RecordedEvent<TType extends string = string, TData = unknown> extends NewEvent<TType, TData> {
  readonly streamId: string;
  /** 1-based position inside its stream; equals the stream version after this event. */
  readonly streamPosition: bigint;
  readonly position: LogPosition;
  /** The opaque anchor for "after this event" (encodeAnchor(position)). */
  readonly anchor: string;
  readonly recordedAt: Date;
}
