import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import { EventSchemaRegistry, type EventDefinition, SYSTEM_EVENTS, serviceQueue } from '#contracts';
import { EventStore, type Migration, openDatabase } from '#event-store';
import {
  type DurableQueue,
  InProcessBroker,
  InProcessClient,
  InProcessDurableQueue,
  InProcessServer,
  JetStreamDurableQueue,
  NamespacedNatsClient,
  NamespacedNatsServer,
  ServiceBus,
} from '#messaging';
import { AdminTokenRegistry } from '../admin-api/admin-token.registry.js';
import type { WatershedConfig } from '../config/watershed-config.js';
import type { Logger } from '../logging/logger.js';

export interface RuntimeContributions {
  readonly eventDefinitions: readonly EventDefinition[];
  readonly migrations: readonly Migration[];
}

/**
 * The process's connections to the outside, opened before Nest starts and closed after it stops:
 * the event store, the bus client, the durable queue and the transport the service handlers listen on.
 */
export class WatershedRuntime {
  private closed = false;
  /** Admin tokens created with the CLI, followed from the log. */
  readonly adminTokens = new AdminTokenRegistry();

  private constructor(
    readonly config: WatershedConfig,
    readonly logger: Logger,
    readonly store: EventStore,
    readonly bus: ServiceBus,
    readonly durable: DurableQueue,
    readonly transport: CustomTransportStrategy,
    private readonly nats: NatsConnection | null,
  ) {}

  static async open(config: WatershedConfig, logger: Logger, contributions: RuntimeContributions): Promise<WatershedRuntime> {
    const registry = new EventSchemaRegistry([...SYSTEM_EVENTS, ...contributions.eventDefinitions]);
    const db = await openDatabase(
      config.store.kind === 'postgres'
        ? { kind: 'postgres', url: config.store.url, applicationName: `watershed-${config.instanceId}` }
        : { kind: 'pglite', dataDir: config.store.dataDir },
    );
    const store = await EventStore.open(db, { registry, migrations: contributions.migrations });
    let runtime: WatershedRuntime;
    try {
      runtime = await WatershedRuntime.connect(config, logger, store);
    } catch (error) {
      await store.close();
      throw error;
    }
    try {
      await runtime.adminTokens.start(store);
    } catch (error) {
      await runtime.close();
      throw error;
    }
    return runtime;
  }

  private static async connect(config: WatershedConfig, logger: Logger, store: EventStore): Promise<WatershedRuntime> {
    if (config.bus.kind === 'in-process') {
      const broker = new InProcessBroker();
      const bus = new ServiceBus(new InProcessClient(broker), config.busTimeoutMs);
      return new WatershedRuntime(config, logger, store, bus, new InProcessDurableQueue(), new InProcessServer(broker), null);
    }
    const { url, namespace, streamName } = config.bus;
    const name = `watershed-${config.instanceId}`;
    const nats = await connect({ servers: url, name, timeout: 10_000 });
    const durable = await JetStreamDurableQueue.open(nats, { streamName, namespace });
    const bus = new ServiceBus(new NamespacedNatsClient({ servers: url, namespace, name }), config.busTimeoutMs);
    await bus.connect();
    // Handlers that name no queue share the first service's group; service handlers name their own.
    const server = new NamespacedNatsServer({ servers: url, namespace, queue: serviceQueue(config.services[0]!), name });
    return new WatershedRuntime(config, logger, store, bus, durable, server, nats);
  }

  /** For /readyz: the store answers a query and the bus connection is up. */
  async readiness(): Promise<{ store: string | null; bus: string | null }> {
    const store = await this.store.db.ping().then(
      () => null,
      (e: unknown) => `store: ${(e as Error).message}`,
    );
    let bus: string | null = null;
    if (this.nats) {
      try {
        if (this.nats.isClosed()) throw new Error('connection closed');
        await withTimeout(this.nats.flush(), 2000, 'no answer from NATS within 2 s');
      } catch (e) {
        bus = `bus: ${(e as Error).message}`;
      }
    }
    return { store, bus };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.durable.close().catch((e: unknown) => this.logger.warn({ err: e }, 'closing durable queue failed'));
    await this.bus.close().catch((e: unknown) => this.logger.warn({ err: e }, 'closing bus client failed'));
    await this.nats?.drain().catch(() => undefined);
    await this.adminTokens.stop();
    await this.store.close();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]);
}
