import { randomUUID } from 'node:crypto';
import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type PruneReportEventsReply, serviceQueue } from '#contracts';
import type { EventStore } from '#event-store';
import type { BusMessage } from '#messaging';
import { EVENT_STORE } from '#platform';
import { PRUNE_REPORT_EVENTS_SUBJECT, pruneReportEvents } from './prune-report-events.command.js';

@Controller()
export class PruneReportEventsRpcController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @MessagePattern(PRUNE_REPORT_EVENTS_SUBJECT, { queue: serviceQueue('reporting') })
  async prune(@Payload() message: BusMessage<unknown>): Promise<PruneReportEventsReply> {
    const uuid = /^[0-9a-f-]{36}$/i;
    return pruneReportEvents(this.store, message.payload, {
      correlationId: uuid.test(message.meta.correlationId) ? message.meta.correlationId : randomUUID(),
      causationId: message.meta.causationId && uuid.test(message.meta.causationId) ? message.meta.causationId : null,
      traceparent: message.meta.traceparent,
      actor: 'system:cleanup',
      now: () => new Date(),
      newId: randomUUID,
    });
  }
}
