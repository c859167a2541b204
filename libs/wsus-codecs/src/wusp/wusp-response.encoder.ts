import { buildSoapResponse, type SoapHttpResponse, type SoapVersion, type XmlNode } from '../soap/index.js';
import { encodeGetAuthorizationCookieResponse, type GetAuthorizationCookieResponse } from './get-authorization-cookie.codec.js';
import { encodeGetConfigResponse, type GetConfigResponse } from './get-config.codec.js';
import { encodeGetCookieResponse, type GetCookieResponse } from './get-cookie.codec.js';
import { encodeGetExtendedUpdateInfoResponse, type GetExtendedUpdateInfoResponse } from './get-extended-update-info.codec.js';
import { encodeGetExtendedUpdateInfo2Response, type GetExtendedUpdateInfo2Response } from './get-extended-update-info2.codec.js';
import { encodeGetFileLocationsResponse, type GetFileLocationsResponse } from './get-file-locations.codec.js';
import { encodeRefreshCacheResponse, type RefreshCacheResponse } from './refresh-cache.codec.js';
import { encodeRegisterComputerResponse } from './register-computer.codec.js';
import { encodeReportEventBatch2Response, encodeReportEventBatchResponse } from './report-event-batch.codec.js';
import { encodeGetRequiredInventoryTypeResponse, encodeReportInventoryResponse } from './reporting-inventory.codec.js';
import {
  encodeGetOutOfSyncComputersResponse,
  encodeGetRollupConfigurationResponse,
  encodeRollupComputersResponse,
  encodeRollupComputerStatusResponse,
  encodeRollupDownstreamServersResponse,
  type RollupConfiguration,
} from './reporting-rollup.codec.js';
import { encodeStartCategoryScanResponse, type StartCategoryScanResponse } from './start-category-scan.codec.js';
import { encodeSyncPrinterCatalogResponse, type SyncPrinterCatalogResponse } from './sync-printer-catalog.codec.js';
import { encodeSyncUpdatesResponse, type SyncUpdatesResponse } from './sync-updates.codec.js';
import { wuspOperation } from './wusp-operation.catalog.js';

/** The result object each operation answers with. */
export interface WuspResponseMap {
  GetAuthorizationCookie: GetAuthorizationCookieResponse;
  GetConfig: GetConfigResponse;
  GetCookie: GetCookieResponse;
  RegisterComputer: Record<string, never>;
  StartCategoryScan: StartCategoryScanResponse;
  SyncUpdates: SyncUpdatesResponse;
  SyncPrinterCatalog: SyncPrinterCatalogResponse;
  RefreshCache: RefreshCacheResponse;
  GetExtendedUpdateInfo: GetExtendedUpdateInfoResponse;
  GetExtendedUpdateInfo2: GetExtendedUpdateInfo2Response;
  GetFileLocations: GetFileLocationsResponse;
  ReportEventBatch: boolean;
  ReportEventBatch2: boolean;
  GetRequiredInventoryType: number;
  ReportInventory: boolean;
  GetRollupConfiguration: RollupConfiguration;
  RollupDownstreamServers: Record<string, never>;
  RollupComputers: Parameters<typeof encodeRollupComputersResponse>[0];
  GetOutOfSyncComputers: readonly string[];
  RollupComputerStatus: boolean;
}

export type WuspResponse = { [K in keyof WuspResponseMap]: { readonly operation: K; readonly result: WuspResponseMap[K] } }[keyof WuspResponseMap];

const ENCODERS: { readonly [K in keyof WuspResponseMap]: (result: WuspResponseMap[K]) => XmlNode } = {
  GetAuthorizationCookie: encodeGetAuthorizationCookieResponse,
  GetConfig: encodeGetConfigResponse,
  GetCookie: encodeGetCookieResponse,
  RegisterComputer: () => encodeRegisterComputerResponse(),
  StartCategoryScan: encodeStartCategoryScanResponse,
  SyncUpdates: encodeSyncUpdatesResponse,
  SyncPrinterCatalog: encodeSyncPrinterCatalogResponse,
  RefreshCache: encodeRefreshCacheResponse,
  GetExtendedUpdateInfo: encodeGetExtendedUpdateInfoResponse,
  GetExtendedUpdateInfo2: encodeGetExtendedUpdateInfo2Response,
  GetFileLocations: encodeGetFileLocationsResponse,
  ReportEventBatch: encodeReportEventBatchResponse,
  ReportEventBatch2: encodeReportEventBatch2Response,
  GetRequiredInventoryType: encodeGetRequiredInventoryTypeResponse,
  ReportInventory: encodeReportInventoryResponse,
  GetRollupConfiguration: encodeGetRollupConfigurationResponse,
  RollupDownstreamServers: () => encodeRollupDownstreamServersResponse(),
  RollupComputers: encodeRollupComputersResponse,
  GetOutOfSyncComputers: encodeGetOutOfSyncComputersResponse,
  RollupComputerStatus: encodeRollupComputerStatusResponse,
};

/** The operation's response element (no envelope). */
export function encodeWuspResponseBody(response: WuspResponse): XmlNode {
  const encode = ENCODERS[response.operation] as (result: WuspResponse['result']) => XmlNode;
  return encode(response.result);
}

/**
 * A complete HTTP answer: the response element in the envelope framing of the operation's service
 * (compact for client.asmx, ASMX for SimpleAuth/Reporting) and the requested SOAP version.
 */
export function encodeWuspResponse(response: WuspResponse, options: { readonly soapVersion: SoapVersion }): SoapHttpResponse {
  const style = wuspOperation(response.operation).responseStyle;
  return buildSoapResponse(encodeWuspResponseBody(response), { soapVersion: options.soapVersion, style });
}
