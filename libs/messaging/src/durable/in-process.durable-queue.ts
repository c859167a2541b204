import { CodedError } from '#contracts';
import { type ConsumeOptions, DEFAULT_MAX_DELIVERIES, DUPLICATE_WINDOW_MS, type DurableHandler, type DurableQueue } from './durable-queue.js';

/**
 * All-in-one twin of the JetStream queue. There is no broker to hold the message, so enqueue runs the
 * consumer and resolves only after it succeeded: the durable copy is whatever the handler committed
 * (events in the store). Failed deliveries are retried up to maxDeliveries; then enqueue rejects, and
 * the producer (e.g. the SOAP gateway) does not acknowledge its client, who will send again.
 */
export class InProcessDurableQueue implements DurableQueue {
  /** Same duplicate window as the JetStream stream: a producer's retry within it is handled once. */
  private readonly recent = new Map<string, number>();
  private readonly consumers = new Map<string, Map<string, { handler: DurableHandler; options: ConsumeOptions }>>();

  async enqueue<T>(
    subject: string,
    message: { messageId: string; payload: T; correlationId: string; traceparent?: string | null },
  ): Promise<void> {
    const consumers = [...(this.consumers.get(subject)?.values() ?? [])];
    if (consumers.length === 0) throw new CodedError('BUS.NO_CONSUMER', `no consumer for ${subject}`);
    if (this.seenRecently(`${subject}\u0000${message.messageId}`)) return;
    await Promise.all(
      consumers.map(async ({ handler, options }) => {
        const maxDeliveries = options.maxDeliveries ?? DEFAULT_MAX_DELIVERIES;
        for (let attempt = 1; ; attempt += 1) {
          const delivery = {
            messageId: message.messageId,
            subject,
            payload: structuredClone(message.payload),
            correlationId: message.correlationId,
            traceparent: message.traceparent ?? null,
            deliveryAttempt: attempt,
          };
          try {
            await handler(delivery);
            return;
          } catch (error) {
            if (attempt >= maxDeliveries) {
              options.onGiveUp?.(delivery, error);
              this.recent.delete(`${subject}\u0000${message.messageId}`); // a later retry may try again
              throw error;
            }
          }
        }
      }),
    );
  }

  private seenRecently(key: string): boolean {
    const now = Date.now();
    for (const [k, at] of this.recent) {
      if (now - at < DUPLICATE_WINDOW_MS) break; // insertion order = time order
      this.recent.delete(k);
    }
    if (this.recent.has(key)) return true;
    this.recent.set(key, now);
    return false;
  }

  async consume<T>(subject: string, handler: DurableHandler<T>, options: ConsumeOptions): Promise<() => Promise<void>> {
    let bySubject = this.consumers.get(subject);
    if (!bySubject) {
      bySubject = new Map();
      this.consumers.set(subject, bySubject);
    }
    if (bySubject.has(options.consumer)) {
      throw new Error(`consumer ${options.consumer} already consumes ${subject} in this process`);
    }
    bySubject.set(options.consumer, { handler: handler as DurableHandler, options });
    return async () => {
      bySubject.delete(options.consumer);
    };
  }

  async close(): Promise<void> {
    this.consumers.clear();
  }
}
