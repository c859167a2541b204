/**
 * Work that must not be lost (client reports on their way to the reporting service, sync jobs).
 * `enqueue` resolves only once the message is durable: stored in JetStream (split mode), or handled
 * and committed (in-process). Consumers must be idempotent on `messageId`: delivery is at least once.
 */
export interface DurableMessage<T = unknown> {
  readonly messageId: string;
  readonly subject: string;
  readonly payload: T;
  readonly correlationId: string;
  readonly traceparent: string | null;
  /** 1 on the first delivery. */
  readonly deliveryAttempt: number;
}

export type DurableHandler<T = unknown> = (message: DurableMessage<T>) => Promise<void>;

export interface ConsumeOptions {
  /** Name of the durable consumer: one delivery per name, shared by every replica using it. */
  readonly consumer: string;
  /** After this many failed deliveries the message is given up and reported to onGiveUp. */
  readonly maxDeliveries?: number;
  readonly onGiveUp?: (message: DurableMessage, error: unknown) => void;
}

export interface DurableQueue {
  enqueue<T>(subject: string, message: { messageId: string; payload: T; correlationId: string; traceparent?: string | null }): Promise<void>;
  consume<T>(subject: string, handler: DurableHandler<T>, options: ConsumeOptions): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export const DEFAULT_MAX_DELIVERIES = 5;

/** Retries of one messageId within this window are stored once (JetStream's duplicate window). */
export const DUPLICATE_WINDOW_MS = 2 * 60 * 1000;
