import { Module } from '@nestjs/common';
import { serviceStatusController } from '#platform';

/**
 * The reporting service: computer registrations, client events and the status derived from them; reports and rollup.
 */
@Module({
  controllers: [serviceStatusController('reporting')],
})
export class ReportingModule {}
