import { DeploymentService } from '#deployment';
import { MetadataStoreService } from '#metadata-store';
import type { ServiceRegistration } from '#platform';
import { ReportingService } from '#reporting';
import { SoapGatewayService } from '#soap-gateway';
import { SyncWorkerService } from '#sync-worker';

/** Every service this build contains; `--services` picks which of them a process runs. */
export const ALL_SERVICES: readonly ServiceRegistration[] = [
  SoapGatewayService,
  MetadataStoreService,
  DeploymentService,
  ReportingService,
  SyncWorkerService,
];
