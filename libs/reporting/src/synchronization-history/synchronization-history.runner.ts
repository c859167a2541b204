import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { EventStore, ProjectionRunner } from '#event-store';
import { EVENT_STORE, LOGGER, type Logger } from '#platform';
import { synchronizationHistoryProjection } from './synchronization-history.projection.js';

/** Keeps the synchronization history following the log while the reporting module runs. */
@Injectable()
export class SynchronizationHistoryRunner implements OnModuleInit, OnModuleDestroy {
  readonly runner: ProjectionRunner;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.runner = store.projectionRunner(synchronizationHistoryProjection, {
      onError: (error, projection) => this.logger.error({ err: error, projection }, 'synchronization history batch failed; retrying'),
    });
  }

  onModuleInit(): void {
    this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.stop();
  }
}
