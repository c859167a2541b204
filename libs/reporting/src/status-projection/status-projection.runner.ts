import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { EventStore, ProjectionRunner } from '#event-store';
import { EVENT_STORE, LOGGER, type Logger } from '#platform';
import { statusProjection } from './status.projection.js';

/**
 * Keeps the reporting read model following the log while the module runs. Several replicas may run
 * it: the projection's checkpoint row lock lets one apply each batch.
 */
@Injectable()
export class StatusProjectionRunner implements OnModuleInit, OnModuleDestroy {
  readonly runner: ProjectionRunner;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.runner = store.projectionRunner(statusProjection, {
      onError: (error, projection) => this.logger.error({ err: error, projection }, 'reporting projection batch failed; retrying'),
    });
  }

  onModuleInit(): void {
    this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.stop();
  }
}
