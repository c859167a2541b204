import { Inject, Injectable } from '@nestjs/common';
import {
  type GetRequiredInventoryTypeRequest,
  type ReportEventBatch2Request,
  type ReportInventoryRequest,
  type WuspOperationName,
  WuspErrorCode,
} from '#wsus-codecs';
import { LOGGER, type Logger } from '#platform';
import { ClientCookies } from '../cookies/client-cookies.service.js';
import { operationHandler, type WuspCallContext, WuspFault, type WuspOperationHandler } from '../wusp-endpoint/wusp-operation.handler.js';
import { WuspOperationRegistry } from '../wusp-endpoint/wusp-operation.registry.js';

/**
 * The Reporting operations other than ReportEventBatch (wusp.md §11.2). None has processing rules in
 * MS-WUSP; GetConfig says IsInventoryRequired=0, so clients have no reason to call the inventory ones.
 * - ReportEventBatch2 names the computer without a cookie: unauthenticated, so refused with `false`
 *   ("not received") rather than stored under a claimed identity.
 * - GetRequiredInventoryType: cookie checked, 0 (no inventory wanted).
 * - ReportInventory: cookie checked, `false` (not stored; answering true would claim we kept it).
 * The five MS-WSUSSS rollup operations are in `downstream-rollup/`.
 */
@Injectable()
export class ReportingOtherSoapHandlers {
  constructor(
    @Inject(WuspOperationRegistry) registry: WuspOperationRegistry,
    @Inject(ClientCookies) private readonly cookies: ClientCookies,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    const handlers: WuspOperationHandler[] = [
      operationHandler('ReportEventBatch2', async (_r: ReportEventBatch2Request) => false),
      operationHandler('GetRequiredInventoryType', async (r: GetRequiredInventoryTypeRequest, c) => {
        await this.cookies.open(r.cookie, c.now);
        return 0;
      }),
      operationHandler('ReportInventory', async (r: ReportInventoryRequest, c) => {
        await this.cookies.open(r.cookie, c.now);
        return false;
      }),
    ];
    for (const h of handlers) registry.registerDefault(h);
  }
}


/** Answers the spec's retry-later fault and logs why, for operations whose implementation is elsewhere or missing. */
export function unavailableHandler(operation: WuspOperationName, logger: Logger, reason: string): WuspOperationHandler {
  return operationHandler(operation, async (_request: unknown, context: WuspCallContext) => {
    logger.warn({ operation, correlationId: context.correlationId, clientIp: context.clientIp }, `${operation}: ${reason}; answering InternalServerError`);
    throw new WuspFault(WuspErrorCode.InternalServerError, '', { diagnostic: `${operation}: ${reason}` });
  });
}

/**
 * SyncUpdates, GetExtendedUpdateInfo and GetExtendedUpdateInfo2 are answered by the scan-index /
 * sync-updates handlers, which `register` themselves; until they are wired in, these defaults answer
 * InternalServerError (the client retries later) with a log line saying so.
 */
@Injectable()
export class PendingScanOperations {
  constructor(@Inject(WuspOperationRegistry) registry: WuspOperationRegistry, @Inject(LOGGER) logger: Logger) {
    for (const op of ['SyncUpdates', 'GetExtendedUpdateInfo', 'GetExtendedUpdateInfo2'] as const) {
      registry.registerDefault(unavailableHandler(op, logger, 'no handler registered (scan index not wired in)'));
    }
  }
}
