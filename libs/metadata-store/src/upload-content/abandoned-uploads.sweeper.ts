import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { LOGGER, type Logger } from '#platform';
import { UploadedContentService } from './uploaded-content.service.js';

/**
 * At start, removes the temporary files of uploads a crash interrupted (a clean refusal or a client
 * that goes away removes its own). In the background: start-up does not wait for a disk walk.
 */
@Injectable()
export class AbandonedUploadsSweeper implements OnApplicationBootstrap {
  private swept = false;

  constructor(
    @Inject(UploadedContentService) private readonly uploads: UploadedContentService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    // The hybrid app (HTTP + bus) runs its lifecycle hooks once per part.
    if (this.swept) return;
    this.swept = true;
    void this.uploads.files.removeAbandoned(Date.now()).then(
      (removed) => {
        if (removed.length > 0) this.logger.info({ removed: removed.length }, 'removed temporary files of interrupted uploads');
      },
      (error: unknown) => this.logger.warn({ err: error }, 'could not look for temporary files of interrupted uploads'),
    );
  }
}
