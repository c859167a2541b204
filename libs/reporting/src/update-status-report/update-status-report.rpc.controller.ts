import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { serviceQueue } from '#contracts';
import type { EventStore } from '#event-store';
import type { BusMessage } from '#messaging';
import { EVENT_STORE } from '#platform';
import { parseQuery } from '../status-projection/parse-query.js';
import {
  readUpdateStatusReport,
  UPDATE_STATUS_REPORT_SUBJECT,
  type UpdateStatusReport,
  UpdateStatusReportQuery,
} from './update-status-report.query.js';

@Controller()
export class UpdateStatusReportRpcController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @MessagePattern(UPDATE_STATUS_REPORT_SUBJECT, { queue: serviceQueue('reporting') })
  async updateStatus(@Payload() message: BusMessage<unknown>): Promise<UpdateStatusReport> {
    return readUpdateStatusReport(this.store.db, parseQuery(UpdateStatusReportQuery, message.payload));
  }
}
