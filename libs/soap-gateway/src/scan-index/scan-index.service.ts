import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { encodeAnchor } from '#contracts';
import type { EventStore } from '#event-store';
import { EVENT_STORE, LOGGER, type Logger } from '#platform';
import type { ScanIndexView } from './domain/scan-index.view.js';
import { ScanIndexFollower } from './scan-index.follower.js';

/**
 * The process's scan index as a Nest provider: starts following the log when the module starts
 * (replay first; calls wait for it through `whenReady`), stops before the store closes.
 */
@Injectable()
export class ScanIndexService implements OnModuleInit, OnModuleDestroy {
  readonly follower: ScanIndexFollower;
  private started = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.follower = new ScanIndexFollower({
      onSkipped: (event, reason) =>
        this.logger.warn({ eventType: event.type, anchor: encodeAnchor(event.position), reason }, 'soap-gateway: scan index skipped an event'),
      onFailure: (error, retryInMs) => this.logger.error({ err: error, retryInMs }, 'soap-gateway: scan index lost the log; serving what it has and retrying'),
    });
  }

  onModuleInit(): void {
    // A hybrid app (HTTP + bus microservice on one container) runs init hooks twice: follow once.
    if (this.started) return;
    this.started = true;
    const started = Date.now();
    this.follower.start(this.store);
    void this.follower.caughtUp.then(() =>
      this.follower.read((view) =>
        this.logger.info({ revisions: view.revisionCount, anchor: view.anchor, ms: Date.now() - started }, 'soap-gateway: scan index caught up'),
      ),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.follower.stop();
  }

  whenReady(timeoutMs: number): Promise<boolean> {
    return this.follower.whenReady(timeoutMs);
  }

  read<T>(read: (view: ScanIndexView) => T): T {
    return this.follower.read(read);
  }
}
