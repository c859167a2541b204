import { randomUUID } from 'node:crypto';
import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type RemoveStaleComputersReply, serviceQueue } from '#contracts';
import type { EventStore } from '#event-store';
import type { BusMessage } from '#messaging';
import { EVENT_STORE } from '#platform';
import { REMOVE_STALE_COMPUTERS_SUBJECT, removeStaleComputers } from './remove-stale-computers.command.js';

@Controller()
export class RemoveStaleComputersRpcController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @MessagePattern(REMOVE_STALE_COMPUTERS_SUBJECT, { queue: serviceQueue('reporting') })
  async remove(@Payload() message: BusMessage<unknown>): Promise<RemoveStaleComputersReply> {
    const uuid = /^[0-9a-f-]{36}$/i;
    return removeStaleComputers(this.store, message.payload, {
      correlationId: uuid.test(message.meta.correlationId) ? message.meta.correlationId : randomUUID(),
      causationId: message.meta.causationId && uuid.test(message.meta.causationId) ? message.meta.causationId : null,
      traceparent: message.meta.traceparent,
      actor: 'system:cleanup',
      now: () => new Date(),
      newId: randomUUID,
    });
  }
}
