import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { serviceQueue } from '#contracts';
import type { EventStore } from '#event-store';
import type { BusMessage } from '#messaging';
import { EVENT_STORE } from '#platform';
import { ContentStore } from '../content-store/content-store.js';
import { EulaRequest, type EulaReply, MetadataSubjects } from '../metadata-store.api.js';
import { parsePayload } from '../metadata-store.bus.js';
import { getEula } from './get-eula.query.js';

/** The license text behind a revision's EulaID, for the deployment service's admin API. */
@Controller()
export class GetEulaRpcController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ContentStore) private readonly content: ContentStore,
  ) {}

  @MessagePattern(MetadataSubjects.eula, { queue: serviceQueue('metadata-store') })
  async handle(@Payload() message: BusMessage): Promise<EulaReply> {
    const request = parsePayload(EulaRequest, message);
    return getEula(this.store.db, this.content, request.revisionId, request.locales);
  }
}
