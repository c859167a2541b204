import { Module } from '@nestjs/common';
import { ReportsHttpController } from './reports-http/reports.http.controller.js';
import { serviceStatusController } from '#platform';
import { ComputerListRpcController } from './computer-list/computer-list.rpc.controller.js';
import { ComputerReportRpcController } from './computer-report/computer-report.rpc.controller.js';
import { RecordEventsConsumer } from './record-events/record-events.consumer.js';
import { RegisterComputerConsumer } from './register-computer/register-computer.consumer.js';
import { PruneReportEventsRpcController } from './prune-report-events/prune-report-events.rpc.controller.js';
import { RemoveStaleComputersRpcController } from './remove-stale-computers/remove-stale-computers.rpc.controller.js';
import { SynchronizationHistoryRunner } from './synchronization-history/synchronization-history.runner.js';
import { StatusProjectionRunner } from './status-projection/status-projection.runner.js';
import { UpdateStatusReportRpcController } from './update-status-report/update-status-report.rpc.controller.js';

/**
 * The reporting service: computer registrations and client events (durable consumers), the status
 * derived from them (a projection), and report queries over the bus.
 */
@Module({
  controllers: [
    serviceStatusController('reporting'),
    ComputerReportRpcController,
    UpdateStatusReportRpcController,
    ComputerListRpcController,
    RemoveStaleComputersRpcController,
    PruneReportEventsRpcController,
    ReportsHttpController,
  ],
  providers: [StatusProjectionRunner, SynchronizationHistoryRunner, RegisterComputerConsumer, RecordEventsConsumer],
})
export class ReportingModule {}
