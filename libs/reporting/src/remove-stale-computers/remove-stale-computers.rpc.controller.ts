import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type RemoveStaleComputersReply, serviceQueue } from '#contracts';
import type { EventStore } from '#event-store';
import { type BusMessage, contextFromBus } from '#messaging';
import { EVENT_STORE } from '#platform';
import { REMOVE_STALE_COMPUTERS_SUBJECT, removeStaleComputers } from './remove-stale-computers.command.js';

@Controller()
export class RemoveStaleComputersRpcController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @MessagePattern(REMOVE_STALE_COMPUTERS_SUBJECT, { queue: serviceQueue('reporting') })
  async remove(@Payload() message: BusMessage<unknown>): Promise<RemoveStaleComputersReply> {
    return removeStaleComputers(this.store, message.payload, contextFromBus(message, 'system:cleanup'));
  }
}
