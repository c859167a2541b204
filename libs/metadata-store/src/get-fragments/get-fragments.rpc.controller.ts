import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { serviceQueue } from '#contracts';
import type { EventStore } from '#event-store';
import type { BusMessage } from '#messaging';
import { EVENT_STORE } from '#platform';
import { FragmentsRequest, type FragmentsReply, MetadataSubjects } from '../metadata-store.api.js';
import { parsePayload } from '../metadata-store.bus.js';
import { getFragments } from './get-fragments.query.js';

@Controller()
export class GetFragmentsRpcController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @MessagePattern(MetadataSubjects.fragments, { queue: serviceQueue('metadata-store') })
  async handle(@Payload() message: BusMessage): Promise<FragmentsReply> {
    return getFragments(this.store.db, parsePayload(FragmentsRequest, message));
  }
}
