import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager, AckPolicy, DeliverPolicy, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { type ConsumeOptions, DEFAULT_MAX_DELIVERIES, DUPLICATE_WINDOW_MS, type DurableHandler, type DurableMessage, type DurableQueue } from './durable-queue.js';

export interface JetStreamDurableQueueOptions {
  /** Stream name; one per installation (and per test run). */
  readonly streamName: string;
  /** Subject namespace, as for the bus (`<namespace>durable.<subject>`). */
  readonly namespace: string;
  /** How long unconsumed work is kept. Long enough to outlast any outage we expect to recover from. */
  readonly maxAgeMs?: number;
  /** Redelivery delay after a failed attempt. */
  readonly ackWaitMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const nanos = (ms: number): number => ms * 1_000_000;

interface WireBody {
  readonly payload: unknown;
  readonly correlationId: string;
  readonly traceparent: string | null;
  readonly messageId: string;
}

/**
 * JetStream-backed durable queue. Limits retention rather than work-queue or interest: work published
 * before its consumer first starts must wait for it, and several consumers may read one subject.
 * Publishing sets Nats-Msg-Id, so a producer retrying within the duplicate window stores it once.
 */
export class JetStreamDurableQueue implements DurableQueue {
  private readonly stops = new Set<() => Promise<void>>();

  private constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly options: JetStreamDurableQueueOptions,
  ) {}

  static async open(nc: NatsConnection, options: JetStreamDurableQueueOptions): Promise<JetStreamDurableQueue> {
    const jsm = await jetstreamManager(nc);
    const config = {
      name: options.streamName,
      subjects: [`${options.namespace}durable.>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: nanos(options.maxAgeMs ?? 7 * DAY_MS),
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    };
    try {
      await jsm.streams.info(options.streamName);
      await jsm.streams.update(options.streamName, config);
    } catch {
      await jsm.streams.add(config);
    }
    return new JetStreamDurableQueue(jetstream(nc), jsm, options);
  }

  async enqueue<T>(
    subject: string,
    message: { messageId: string; payload: T; correlationId: string; traceparent?: string | null },
  ): Promise<void> {
    const body: WireBody = {
      payload: message.payload,
      correlationId: message.correlationId,
      traceparent: message.traceparent ?? null,
      messageId: message.messageId,
    };
    // Resolves on the stream's PubAck: the message is stored.
    await this.js.publish(this.wireSubject(subject), JSON.stringify(body), { msgID: message.messageId });
  }

  async consume<T>(subject: string, handler: DurableHandler<T>, options: ConsumeOptions): Promise<() => Promise<void>> {
    const maxDeliveries = options.maxDeliveries ?? DEFAULT_MAX_DELIVERIES;
    const durableName = options.consumer.replace(/[^A-Za-z0-9_-]/g, '_');
    const consumerConfig = {
      durable_name: durableName,
      filter_subject: this.wireSubject(subject),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      max_deliver: maxDeliveries,
      ack_wait: nanos(this.options.ackWaitMs ?? 30_000),
    };
    try {
      await this.jsm.consumers.info(this.options.streamName, durableName);
      await this.jsm.consumers.update(this.options.streamName, durableName, consumerConfig);
    } catch {
      await this.jsm.consumers.add(this.options.streamName, consumerConfig);
    }
    const consumer = await this.js.consumers.get(this.options.streamName, durableName);
    const messages = await consumer.consume({ max_messages: 32 });
    const loop = (async () => {
      for await (const m of messages) {
        const body = m.json<WireBody>();
        const delivery: DurableMessage<T> = {
          messageId: body.messageId,
          subject,
          payload: body.payload as T,
          correlationId: body.correlationId,
          traceparent: body.traceparent,
          deliveryAttempt: m.info.deliveryCount,
        };
        try {
          await handler(delivery);
          await m.ackAck(); // wait for the server to record the ack before taking the next one
        } catch (error) {
          if (m.info.deliveryCount >= maxDeliveries) {
            options.onGiveUp?.(delivery as DurableMessage, error);
            m.term();
          } else {
            m.nak(Math.min(30_000, 200 * 2 ** m.info.deliveryCount));
          }
        }
      }
    })();
    const stop = async (): Promise<void> => {
      this.stops.delete(stop);
      await messages.close();
      await loop.catch(() => undefined);
    };
    this.stops.add(stop);
    return stop;
  }

  /** Test and uninstall helper: removes the stream and everything in it. */
  async destroy(): Promise<void> {
    await this.close();
    await this.jsm.streams.delete(this.options.streamName).catch(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.all([...this.stops].map((stop) => stop()));
  }

  private wireSubject(subject: string): string {
    return `${this.options.namespace}durable.${subject}`;
  }
}
