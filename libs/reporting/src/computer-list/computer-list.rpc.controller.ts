import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { serviceQueue } from '#contracts';
import type { EventStore } from '#event-store';
import type { BusMessage } from '#messaging';
import { EVENT_STORE } from '#platform';
import { parseQuery } from '../status-projection/parse-query.js';
import { COMPUTER_LIST_SUBJECT, type ComputerList, ComputerListQuery, readComputerList } from './computer-list.query.js';

@Controller()
export class ComputerListRpcController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @MessagePattern(COMPUTER_LIST_SUBJECT, { queue: serviceQueue('reporting') })
  async computers(@Payload() message: BusMessage<unknown>): Promise<ComputerList> {
    return readComputerList(this.store.db, parseQuery(ComputerListQuery, message.payload ?? {}));
  }
}
