import { ServerNats } from '@nestjs/microservices';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';

export interface NamespacedNatsServerOptions {
  readonly servers: string | string[];
  /** Prepended to every subject: isolates test runs and tenants sharing one NATS. Empty by default. */
  readonly namespace: string;
  /** Queue group for handlers that name none: one delivery per service, however many replicas. */
  readonly queue: string;
  readonly name?: string;
}

/**
 * Nest's NATS server, plus a subject namespace. Handlers keep their plain `wsus.…` patterns; only
 * the NATS subscription carries the prefix.
 */
export class NamespacedNatsServer extends ServerNats {
  private readonly ownSubscriptions: Subscription[] = [];
  constructor(private readonly natsOptions: NamespacedNatsServerOptions) {
    super({
      servers: natsOptions.servers,
      queue: natsOptions.queue,
      name: natsOptions.name,
      gracefulShutdown: true,
      gracePeriod: 200,
    });
  }

  override bindEvents(client: NatsConnection): void {
    for (const [channel, handler] of this.messageHandlers) {
      const queue = (handler.extras?.queue as string | undefined) ?? this.natsOptions.queue;
      const subscription = client.subscribe(`${this.natsOptions.namespace}${channel}`, {
        queue,
        callback: this.getMessageHandler(channel).bind(this),
      });
      this.ownSubscriptions.push(subscription);
    }
  }

  /** Stop taking new messages first, so in-flight handlers can finish before the connection drops. */
  override async close(): Promise<void> {
    for (const subscription of this.ownSubscriptions.splice(0)) subscription.unsubscribe();
    await super.close();
  }
}
