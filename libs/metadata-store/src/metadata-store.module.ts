import { Module } from '@nestjs/common';
import { serviceStatusController } from '#platform';

/**
 * The metadata-store service: update revisions, their files and fragments; publishing and import.
 */
@Module({
  controllers: [serviceStatusController('metadata-store')],
})
export class MetadataStoreModule {}
