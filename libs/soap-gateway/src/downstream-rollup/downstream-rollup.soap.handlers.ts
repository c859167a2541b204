import { Inject, Injectable } from '@nestjs/common';
import { LOGGER, type Logger } from '#platform';
import {
  type GetOutOfSyncComputersRequest,
  type GetRollupConfigurationRequest,
  type RollupComputersRequest,
  type RollupComputerStatusRequest,
  type RollupDownstreamServersRequest,
  WuspErrorCode,
} from '#wsus-codecs';
import { ServerConfigurationView } from '../server-state/server-configuration.view.js';
import { operationHandler, type WuspCallContext, WuspFault, type WuspOperationHandler } from '../wusp-endpoint/wusp-operation.handler.js';
import { WuspOperationRegistry } from '../wusp-endpoint/wusp-operation.registry.js';
import {
  getOutOfSyncComputers,
  rollupComputers,
  rollupComputerStatus,
  rollupConfiguration,
  rollupDownstreamServers,
  type RollupOutcome,
  type RollupServerState,
} from './domain/downstream-rollup.rules.js';

/**
 * The five MS-WSUSSS rollup operations of the Reporting endpoint (wsusss.md §7), called by a
 * downstream server with the fixed reserved cookie (no authentication). The rules are in
 * `domain/downstream-rollup.rules.ts`; here they meet the configuration the gateway follows.
 */
@Injectable()
export class DownstreamRollupSoapHandlers {
  constructor(
    @Inject(WuspOperationRegistry) registry: WuspOperationRegistry,
    @Inject(ServerConfigurationView) private readonly configuration: ServerConfigurationView,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    const handlers: WuspOperationHandler[] = [
      operationHandler('GetRollupConfiguration', async (_r: GetRollupConfigurationRequest) => rollupConfiguration(await this.server())),
      operationHandler('RollupDownstreamServers', async (r: RollupDownstreamServersRequest, c) => this.settle(c, rollupDownstreamServers(r))),
      operationHandler('RollupComputers', async (r: RollupComputersRequest, c) => this.settle(c, rollupComputers(r, await this.server()))),
      operationHandler('GetOutOfSyncComputers', async (r: GetOutOfSyncComputersRequest, c) => this.settle(c, getOutOfSyncComputers(r, await this.server()))),
      operationHandler('RollupComputerStatus', async (r: RollupComputerStatusRequest, c) => this.settle(c, rollupComputerStatus(r, await this.server()))),
    ];
    for (const h of handlers) registry.registerDefault(h);
  }

  private async server(): Promise<RollupServerState> {
    const snapshot = await this.configuration.snapshot();
    return { serverId: snapshot.serverId, detailedRollup: snapshot.rollup === 'detailed' };
  }

  private settle<T>(context: WuspCallContext, outcome: RollupOutcome<T>): T {
    if (outcome.kind === 'answer') return outcome.value;
    // A downstream administrator sees only "the upstream refused"; the reason is in our log.
    this.logger.warn({ operation: context.operation, correlationId: context.correlationId, clientIp: context.clientIp }, `${context.operation} refused: ${outcome.diagnostic}`);
    if (outcome.reason === 'invalid') throw new WuspFault(WuspErrorCode.InvalidParameters, outcome.parameter, { diagnostic: outcome.diagnostic });
    throw new WuspFault(WuspErrorCode.InternalServerError, '', { diagnostic: outcome.diagnostic });
  }
}

