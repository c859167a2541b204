import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AdminApiGlobalFilter, serviceStatusController } from '#platform';
import { EulaHttpController } from './accept-eula/eula.http.controller.js';
import { EulaQueryService } from './accept-eula/eula.query.js';
import { DeploymentApi } from './application/deployment-api.service.js';
import { DeploymentCommandService } from './application/deployment-commands.service.js';
import { DeploymentQueryService } from './application/deployment-queries.service.js';
import { DeploymentRpcController } from './bus/deployment.rpc.controller.js';
import { CleanupHttpController } from './cleanup/cleanup.http.controller.js';
import { CleanupService } from './cleanup/cleanup.service.js';
import { ApprovalRulesHttpController } from './http/approval-rules.http.controller.js';
import { ComputersHttpController } from './http/computers.http.controller.js';
import { ConfigurationHttpController } from './http/configuration.http.controller.js';
import { GroupsHttpController } from './http/groups.http.controller.js';
import { UpdatesHttpController } from './http/updates.http.controller.js';

/**
 * The deployment service: configuration, computer groups and membership, approvals, declines,
 * automatic approval rules, and cleanup (retention) of updates.
 */
@Module({
  controllers: [
    serviceStatusController('deployment'),
    DeploymentRpcController,
    GroupsHttpController,
    ComputersHttpController,
    UpdatesHttpController,
    EulaHttpController,
    ConfigurationHttpController,
    ApprovalRulesHttpController,
    CleanupHttpController,
  ],
  providers: [
    DeploymentCommandService,
    DeploymentQueryService,
    DeploymentApi,
    EulaQueryService,
    CleanupService,
    // Parse errors and unknown routes under /api/ in the admin format, 401 first.
    { provide: APP_FILTER, useClass: AdminApiGlobalFilter },
  ],
})
export class DeploymentModule {}
