import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { serviceQueue } from '#contracts';
import type { EventStore } from '#event-store';
import type { BusMessage } from '#messaging';
import { EVENT_STORE } from '#platform';
import { parseQuery } from '../status-projection/parse-query.js';
import { COMPUTER_REPORT_SUBJECT, type ComputerReport, ComputerReportQuery, readComputerReport } from './computer-report.query.js';

@Controller()
export class ComputerReportRpcController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @MessagePattern(COMPUTER_REPORT_SUBJECT, { queue: serviceQueue('reporting') })
  async computer(@Payload() message: BusMessage<unknown>): Promise<ComputerReport> {
    const query = parseQuery(ComputerReportQuery, message.payload);
    // One snapshot for the three reads, so the summary and the list agree while the projection moves.
    return this.store.db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      return readComputerReport(tx, query.computerId);
    });
  }
}
