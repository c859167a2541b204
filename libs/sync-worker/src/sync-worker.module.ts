import { Module } from '@nestjs/common';
import { serviceStatusController } from '#platform';

/**
 * The sync-worker service: pulls metadata, deployments and content from an upstream server and pushes rollup.
 */
@Module({
  controllers: [serviceStatusController('sync-worker')],
})
export class SyncWorkerModule {}
