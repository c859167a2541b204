import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EventStore, ProjectionRunner } from '#event-store';
import { EVENT_STORE, LOGGER, type Logger } from '#platform';
import { updateRevisionsProjection } from './update-revisions.projection.js';

/**
 * Runs the update-revisions projection in this process: follows the log in the background, and
 * lets the import use case catch it up at once so a caller's next query sees its import.
 */
@Injectable()
export class UpdateRevisionsFollower implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly runner: ProjectionRunner;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(LOGGER) private readonly logger: Logger) {
    this.runner = store.projectionRunner(updateRevisionsProjection, {
      onError: (error, projection) => this.logger.error({ err: error, projection }, 'projection batch failed; retrying'),
    });
  }

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
