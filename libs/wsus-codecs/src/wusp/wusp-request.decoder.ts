import { type ParsedSoapRequest, SoapRequestError } from '../soap/index.js';
import { decodeGetAuthorizationCookie, type GetAuthorizationCookieRequest } from './get-authorization-cookie.codec.js';
import { decodeGetConfig, type GetConfigRequest } from './get-config.codec.js';
import { decodeGetCookie, type GetCookieRequest } from './get-cookie.codec.js';
import { decodeGetExtendedUpdateInfo, type GetExtendedUpdateInfoRequest } from './get-extended-update-info.codec.js';
import { decodeGetExtendedUpdateInfo2, type GetExtendedUpdateInfo2Request } from './get-extended-update-info2.codec.js';
import { decodeGetFileLocations, type GetFileLocationsRequest } from './get-file-locations.codec.js';
import { decodeRefreshCache, type RefreshCacheRequest } from './refresh-cache.codec.js';
import { decodeRegisterComputer, type RegisterComputerRequest } from './register-computer.codec.js';
import { decodeReportEventBatch, decodeReportEventBatch2, type ReportEventBatch2Request, type ReportEventBatchRequest } from './report-event-batch.codec.js';
import {
  decodeGetRequiredInventoryType,
  decodeReportInventory,
  type GetRequiredInventoryTypeRequest,
  type ReportInventoryRequest,
} from './reporting-inventory.codec.js';
import {
  decodeGetOutOfSyncComputers,
  decodeGetRollupConfiguration,
  decodeRollupComputers,
  decodeRollupComputerStatus,
  decodeRollupDownstreamServers,
  type GetOutOfSyncComputersRequest,
  type GetRollupConfigurationRequest,
  type RollupComputersRequest,
  type RollupComputerStatusRequest,
  type RollupDownstreamServersRequest,
} from './reporting-rollup.codec.js';
import { decodeStartCategoryScan, type StartCategoryScanRequest } from './start-category-scan.codec.js';
import { decodeSyncPrinterCatalog, type SyncPrinterCatalogRequest } from './sync-printer-catalog.codec.js';
import { decodeSyncUpdates, type SyncUpdatesRequest } from './sync-updates.codec.js';
import { DEFAULT_WUSP_DECODE_OPTIONS, ElementReader, type WuspDecodeOptions } from './wusp-value.reader.js';

/** Every decoded MS-WUSP request, discriminated by operation name. */
export interface WuspRequestMap {
  GetAuthorizationCookie: GetAuthorizationCookieRequest;
  GetConfig: GetConfigRequest;
  GetCookie: GetCookieRequest;
  RegisterComputer: RegisterComputerRequest;
  StartCategoryScan: StartCategoryScanRequest;
  SyncUpdates: SyncUpdatesRequest;
  SyncPrinterCatalog: SyncPrinterCatalogRequest;
  RefreshCache: RefreshCacheRequest;
  GetExtendedUpdateInfo: GetExtendedUpdateInfoRequest;
  GetExtendedUpdateInfo2: GetExtendedUpdateInfo2Request;
  GetFileLocations: GetFileLocationsRequest;
  ReportEventBatch: ReportEventBatchRequest;
  ReportEventBatch2: ReportEventBatch2Request;
  GetRequiredInventoryType: GetRequiredInventoryTypeRequest;
  ReportInventory: ReportInventoryRequest;
  GetRollupConfiguration: GetRollupConfigurationRequest;
  RollupDownstreamServers: RollupDownstreamServersRequest;
  RollupComputers: RollupComputersRequest;
  GetOutOfSyncComputers: GetOutOfSyncComputersRequest;
  RollupComputerStatus: RollupComputerStatusRequest;
}

export type WuspRequest = { [K in keyof WuspRequestMap]: { readonly operation: K; readonly request: WuspRequestMap[K] } }[keyof WuspRequestMap];

const DECODERS: { readonly [K in keyof WuspRequestMap]: (r: ElementReader) => WuspRequestMap[K] } = {
  GetAuthorizationCookie: decodeGetAuthorizationCookie,
  GetConfig: decodeGetConfig,
  GetCookie: decodeGetCookie,
  RegisterComputer: decodeRegisterComputer,
  StartCategoryScan: decodeStartCategoryScan,
  SyncUpdates: decodeSyncUpdates,
  SyncPrinterCatalog: decodeSyncPrinterCatalog,
  RefreshCache: decodeRefreshCache,
  GetExtendedUpdateInfo: decodeGetExtendedUpdateInfo,
  GetExtendedUpdateInfo2: decodeGetExtendedUpdateInfo2,
  GetFileLocations: decodeGetFileLocations,
  ReportEventBatch: decodeReportEventBatch,
  ReportEventBatch2: decodeReportEventBatch2,
  GetRequiredInventoryType: decodeGetRequiredInventoryType,
  ReportInventory: decodeReportInventory,
  GetRollupConfiguration: decodeGetRollupConfiguration,
  RollupDownstreamServers: decodeRollupDownstreamServers,
  RollupComputers: decodeRollupComputers,
  GetOutOfSyncComputers: decodeGetOutOfSyncComputers,
  RollupComputerStatus: decodeRollupComputerStatus,
};

export function isWuspOperation(name: string): name is keyof WuspRequestMap {
  return Object.hasOwn(DECODERS, name);
}

/**
 * Decode and validate the operation element of a parsed WUSP request. Refusals are SoapRequestErrors
 * carrying the spec's ErrorCode and, as Method, the request's SOAPAction.
 */
export function decodeWuspRequest(parsed: ParsedSoapRequest, options: Partial<WuspDecodeOptions> = {}): WuspRequest {
  const operation = parsed.operation;
  if (!isWuspOperation(operation)) throw new Error(`not a WUSP operation: ${operation}`);
  // The body element's own namespace string (equal to parsed.namespace: the catalog matched on it).
  // Every element under the same declaration holds that very string, so the reader's namespace
  // checks are a pointer comparison instead of a 60-character one per id of a rescan.
  const reader = new ElementReader(parsed.body, parsed.body.ns, '', { ...DEFAULT_WUSP_DECODE_OPTIONS, ...options });
  try {
    const decode = DECODERS[operation] as (r: ElementReader) => WuspRequest['request'];
    return { operation, request: decode(reader) } as WuspRequest;
  } catch (error) {
    if (error instanceof SoapRequestError) throw error.withContext({ soapVersion: parsed.soapVersion, method: parsed.action });
    throw error;
  }
}
