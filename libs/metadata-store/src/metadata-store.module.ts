import { Module } from '@nestjs/common';
import type { EventStore } from '#event-store';
import { EVENT_STORE, LOGGER, type Logger, serviceStatusController, WATERSHED_CONFIG, type WatershedConfig } from '#platform';
import { ContentStore } from './content-store/content-store.js';
import { DeleteUnusedContentRpcController } from './delete-unused-content/delete-unused-content.rpc.controller.js';
import { DeleteUnusedContentUseCase } from './delete-unused-content/delete-unused-content.use-case.js';
import { expiredUpdatesProjection } from './delete-unused-content/expired-updates.projection.js';
import { GetFileLocationsRpcController } from './get-file-locations/get-file-locations.rpc.controller.js';
import { GetEulaRpcController } from './get-eula/get-eula.rpc.controller.js';
import { GetFragmentsRpcController } from './get-fragments/get-fragments.rpc.controller.js';
import { GetRevisionRpcController } from './get-revision/get-revision.rpc.controller.js';
import { ImportBatchHttpController } from './import-batch/import-batch.http.controller.js';
import { ImportBatchUseCase } from './import-batch/import-batch.use-case.js';
import { ImportUpdateRpcController } from './import-update/import-update.rpc.controller.js';
import { ImportUpdateUseCase } from './import-update/import-update.use-case.js';
import { CatalogHttpController } from './catalog-http/catalog.http.controller.js';
import { PublishUpdateRpcController } from './publish-update/publish-update.rpc.controller.js';
import { PublishUpdateUseCase } from './publish-update/publish-update.use-case.js';
import { UpdateRevisionsFollower } from './update-revisions/update-revisions.follower.js';
import { ContentHttpController } from './upload-content/content.http.controller.js';
import { AbandonedUploadsSweeper } from './upload-content/abandoned-uploads.sweeper.js';
import { UploadBodyParser } from './upload-content/upload-body.parser.js';
import { UploadedContentService } from './upload-content/uploaded-content.service.js';
import { UploadedContentStore } from './upload-content/uploaded-content.store.js';

/**
 * The metadata-store service: update revisions, their files and fragments; publishing and import.
 */
@Module({
  controllers: [
    serviceStatusController('metadata-store'),
    ImportUpdateRpcController,
    GetFragmentsRpcController,
    GetFileLocationsRpcController,
    GetRevisionRpcController,
    GetEulaRpcController,
    PublishUpdateRpcController,
    CatalogHttpController,
    ContentHttpController,
    ImportBatchHttpController,
    DeleteUnusedContentRpcController,
  ],
  providers: [
    UpdateRevisionsFollower,
    UploadBodyParser,
    AbandonedUploadsSweeper,
    {
      provide: UploadedContentService,
      useFactory: (store: EventStore, config: WatershedConfig) => new UploadedContentService(store, new UploadedContentStore(config.contentDir)),
      inject: [EVENT_STORE, WATERSHED_CONFIG],
    },
    {
      provide: ContentStore,
      useFactory: (config: WatershedConfig) => new ContentStore(config.contentDir),
      inject: [WATERSHED_CONFIG],
    },
    {
      provide: ImportUpdateUseCase,
      useFactory: (store: EventStore, content: ContentStore, follower: UpdateRevisionsFollower, logger: Logger) =>
        new ImportUpdateUseCase(store, content, follower.runner, {
          onProjectionError: (error) => logger.warn({ err: error }, 'revisions projection did not catch up after an import'),
        }),
      inject: [EVENT_STORE, ContentStore, UpdateRevisionsFollower, LOGGER],
    },
    {
      provide: ImportBatchUseCase,
      useFactory: (store: EventStore, content: ContentStore, importer: ImportUpdateUseCase, logger: Logger) =>
        new ImportBatchUseCase(store, content, importer, (error) => logger.error({ err: error }, 'could not record the end of an import batch\'s synchronization run')),
      inject: [EVENT_STORE, ContentStore, ImportUpdateUseCase, LOGGER],
    },
    {
      provide: DeleteUnusedContentUseCase,
      // The expired-updates projection is caught up by each cleanup request, not followed: it is read nowhere else.
      useFactory: (store: EventStore, content: ContentStore, uploads: UploadedContentService, follower: UpdateRevisionsFollower) =>
        new DeleteUnusedContentUseCase(store, content, uploads, { revisions: follower.runner, expiredUpdates: store.projectionRunner(expiredUpdatesProjection) }),
      inject: [EVENT_STORE, ContentStore, UploadedContentService, UpdateRevisionsFollower],
    },
    {
      provide: PublishUpdateUseCase,
      useFactory: (store: EventStore, importer: ImportUpdateUseCase, uploads: UploadedContentService) => new PublishUpdateUseCase(store, importer, uploads),
      inject: [EVENT_STORE, ImportUpdateUseCase, UploadedContentService],
    },
  ],
})
export class MetadataStoreModule {}
