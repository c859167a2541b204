import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CLIENT_STATE_STREAM, LOG_START, parseServerConfiguration, type RollupMode, SERVER_CONFIGURATION_STREAM, type RecordedEvent } from '#contracts';
import type { EventStore, LogSubscription } from '#event-store';
import { EVENT_STORE, LOGGER, type Logger } from '#platform';

export type TargetingMode = 'server-side' | 'client-side';

/** What cookies and GetConfig are checked against. */
export interface ServerConfigurationSnapshot {
  /**
   * Identity of this installation: the messageId of the first event in its log. Shared by every
   * gateway on the same store, different for another installation, kept across restarts and
   * restores; a cookie from another installation gets ServerChanged.
   */
  readonly serverId: string;
  /**
   * GetConfig LastChange: when the configuration clients depend on last changed (the latest
   * TargetingModeChanged), or the installation's first event when it never did.
   */
  readonly configGeneration: Date;
  readonly targetingMode: TargetingMode;
  /** The configured content base URL (`http://host:port`), or null: FileLocations then come from WATERSHED_PUBLIC_URL or the Host. */
  readonly contentBaseUrl: string | null;
  /** The configured rollup mode: `detailed` is MS-WSUSSS DoDetailedRollup = true. */
  readonly rollup: RollupMode;
  /** When the latest ClientStateReset happened (cookies issued before it get ServerChanged); null: never. */
  readonly clientStateEpoch: Date | null;
}

/** How long a call waits for the first event of a brand-new log (written just after the server starts listening). */
const IDENTITY_WAIT_MS = 3000;

/**
 * Follows the server-configuration stream of the log and keeps what the gateway needs in memory, so
 * no client call reads the store for it. WSUS's default targeting mode is server-side.
 */
@Injectable()
export class ServerConfigurationView implements OnModuleInit, OnModuleDestroy {
  private identity: { serverId: string; installedAt: Date } | null = null;
  private targetingMode: TargetingMode = 'server-side';
  // Until the first ServerConfigurationChanged: the deployment service's defaults (no URL, summary rollup).
  private contentBaseUrl: string | null = null;
  private rollup: RollupMode = 'summary';
  private clientStateEpoch: Date | null = null;
  private lastConfigChange: Date | null = null;
  private subscription: LogSubscription | null = null;
  private ready: Promise<void> | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    // A hybrid app (HTTP + bus microservice) runs the init hooks once per part: start once.
    if (this.ready !== null) return;
    this.ready = this.start();
    this.ready.catch((error: unknown) => this.logger.error({ err: error }, 'soap-gateway: reading the server configuration failed'));
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.stop();
  }

  async snapshot(): Promise<ServerConfigurationSnapshot> {
    this.onModuleInit();
    try {
      await this.ready;
    } catch (error) {
      // The store was unreachable: the next call starts over instead of failing forever.
      this.ready = null;
      throw error;
    }
    const identity = this.identity ?? (await this.waitForIdentity());
    const generation = this.lastConfigChange !== null && this.lastConfigChange > identity.installedAt ? this.lastConfigChange : identity.installedAt;
    return {
      serverId: identity.serverId,
      configGeneration: generation,
      targetingMode: this.targetingMode,
      contentBaseUrl: this.contentBaseUrl,
      rollup: this.rollup,
      clientStateEpoch: this.clientStateEpoch,
    };
  }

  private async start(): Promise<void> {
    // Stream first, then follow from the head read before it: an event in between is seen twice, never missed.
    const from = await this.store.head();
    const stream = await this.store.readStream(SERVER_CONFIGURATION_STREAM);
    for (const event of stream.events) this.apply(event);
    for (const event of (await this.store.readStream(CLIENT_STATE_STREAM)).events) this.apply(event);
    const subscription = this.store.subscribe({ from, eventTypes: ['TargetingModeChanged', 'ServerConfigurationChanged', 'ClientStateReset'], handler: (event) => this.apply(event) });
    this.subscription = subscription;
    subscription.done.then(
      () => undefined,
      (error: unknown) => {
        // A follower that died would serve a stale targeting mode forever: log it and rebuild on the next call.
        this.logger.error({ err: error }, 'soap-gateway: following the server configuration failed; restarting');
        if (this.subscription === subscription) {
          this.subscription = null;
          this.ready = null;
        }
      },
    );
    try {
      await this.loadIdentity();
    } catch (error) {
      await subscription.stop();
      throw error;
    }
  }

  private apply(event: RecordedEvent): void {
    if (event.type === 'ClientStateReset' && event.streamId === CLIENT_STATE_STREAM) {
      const at = new Date(event.metadata.occurredAt);
      if (!Number.isNaN(at.getTime()) && (this.clientStateEpoch === null || at > this.clientStateEpoch)) this.clientStateEpoch = at;
      return;
    }
    if (event.streamId !== SERVER_CONFIGURATION_STREAM) return;
    if (event.type === 'ServerConfigurationChanged') {
      // Not a configuration generation (C8): nothing a cookie holds depends on these settings.
      const settings = parseServerConfiguration(event.data);
      this.contentBaseUrl = settings.contentBaseUrl;
      this.rollup = settings.rollup;
      return;
    }
    if (event.type !== 'TargetingModeChanged') return;
    const mode = (event.data as { mode?: unknown }).mode;
    if (mode === 'server-side' || mode === 'client-side') this.targetingMode = mode;
    const at = new Date(event.metadata.occurredAt);
    if (!Number.isNaN(at.getTime()) && (this.lastConfigChange === null || at > this.lastConfigChange)) this.lastConfigChange = at;
  }

  private async loadIdentity(): Promise<boolean> {
    if (this.identity !== null) return true;
    const { events } = await this.store.readAll(LOG_START, { limit: 1 });
    const first = events[0];
    if (first === undefined) return false;
    this.identity = { serverId: first.metadata.messageId, installedAt: new Date(first.metadata.occurredAt) };
    return true;
  }

  private async waitForIdentity(): Promise<{ serverId: string; installedAt: Date }> {
    const deadline = Date.now() + IDENTITY_WAIT_MS;
    while (!(await this.loadIdentity())) {
      if (Date.now() > deadline) throw new Error('the event log is still empty: server identity not established yet');
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.identity!;
  }
}
