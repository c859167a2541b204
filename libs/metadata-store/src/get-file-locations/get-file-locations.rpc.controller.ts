import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { serviceQueue } from '#contracts';
import type { EventStore } from '#event-store';
import type { BusMessage } from '#messaging';
import { EVENT_STORE } from '#platform';
import { ContentStore } from '../content-store/content-store.js';
import { FileLocationsRequest, type FileLocationsReply, MetadataSubjects } from '../metadata-store.api.js';
import { parsePayload } from '../metadata-store.bus.js';
import { getFileLocations } from './get-file-locations.query.js';

@Controller()
export class GetFileLocationsRpcController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ContentStore) private readonly content: ContentStore,
  ) {}

  @MessagePattern(MetadataSubjects.fileLocations, { queue: serviceQueue('metadata-store') })
  async handle(@Payload() message: BusMessage): Promise<FileLocationsReply> {
    return getFileLocations(this.store.db, this.content, parsePayload(FileLocationsRequest, message).sha1s);
  }
}
