import { Module } from '@nestjs/common';
import { serviceStatusController } from '#platform';

/**
 * The deployment service: configuration, computer groups and membership, approvals, declines and automatic approval rules.
 */
@Module({
  controllers: [serviceStatusController('deployment')],
})
export class DeploymentModule {}
