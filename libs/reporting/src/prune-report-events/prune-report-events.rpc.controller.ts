import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type PruneReportEventsReply, serviceQueue } from '#contracts';
import type { EventStore } from '#event-store';
import { type BusMessage, contextFromBus } from '#messaging';
import { EVENT_STORE } from '#platform';
import { PRUNE_REPORT_EVENTS_SUBJECT, pruneReportEvents } from './prune-report-events.command.js';

@Controller()
export class PruneReportEventsRpcController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @MessagePattern(PRUNE_REPORT_EVENTS_SUBJECT, { queue: serviceQueue('reporting') })
  async prune(@Payload() message: BusMessage<unknown>): Promise<PruneReportEventsReply> {
    return pruneReportEvents(this.store, message.payload, contextFromBus(message, 'system:cleanup'));
  }
}
