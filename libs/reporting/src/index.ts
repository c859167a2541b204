import { REPORTING_EVENTS } from '#contracts';
import type { ServiceRegistration } from '#platform';
import { ReportingModule } from './reporting.module.js';
import { REPORTING_MIGRATIONS } from './status-projection/status.migrations.js';
import { SYNCHRONIZATION_HISTORY_MIGRATIONS } from './synchronization-history/synchronization-history.projection.js';

export { ReportingModule, REPORTING_MIGRATIONS };
export { REGISTER_COMPUTER_SUBJECT, RegisterComputerCommand } from './register-computer/register-computer.command.js';
export { RECORD_EVENTS_SUBJECT, RecordEventsCommand, type RecordEvents } from './record-events/record-events.command.js';
export { COMPUTER_REPORT_SUBJECT, type ComputerReport } from './computer-report/computer-report.query.js';
export { UPDATE_STATUS_REPORT_SUBJECT, type UpdateStatusReport } from './update-status-report/update-status-report.query.js';
export { REMOVE_STALE_COMPUTERS_SUBJECT, removeStaleComputers } from './remove-stale-computers/remove-stale-computers.command.js';
export { PRUNE_REPORT_EVENTS_SUBJECT, pruneReportEvents } from './prune-report-events/prune-report-events.command.js';
export { COMPUTER_LIST_SUBJECT, type ComputerList } from './computer-list/computer-list.query.js';
export { statusProjection, STATUS_PROJECTION_NAME } from './status-projection/status.projection.js';
export { synchronizationHistoryProjection, SYNCHRONIZATION_HISTORY_MIGRATIONS } from './synchronization-history/synchronization-history.projection.js';
export { readSynchronizationHistory, type SynchronizationHistory } from './synchronization-history/synchronization-history.query.js';
export { CLIENT_EVENT_EFFECTS } from './domain/client-event-ids.js';
export type { StatusCounts, UpdateStatus } from './domain/update-status.js';

export const ReportingService: ServiceRegistration = {
  name: 'reporting',
  module: ReportingModule,
  eventDefinitions: [...REPORTING_EVENTS],
  migrations: [...REPORTING_MIGRATIONS, ...SYNCHRONIZATION_HISTORY_MIGRATIONS],
};
