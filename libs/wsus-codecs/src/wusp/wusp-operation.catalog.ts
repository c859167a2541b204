import {
  type EnvelopeStyle,
  parseSoapRequest,
  type ParsedSoapRequest,
  type SoapHttpHeaders,
  type SoapLimits,
  type SoapOperation,
  SoapOperationCatalog,
} from '../soap/index.js';
import { WUSP_SERVICE_NAMESPACE, wuspAction, type WuspService } from './wusp.namespaces.js';

export const SIMPLE_AUTH_OPERATIONS = ['GetAuthorizationCookie'] as const;
export const CLIENT_OPERATIONS = [
  'GetConfig',
  'GetCookie',
  'RegisterComputer',
  'StartCategoryScan',
  'SyncUpdates',
  'SyncPrinterCatalog',
  'RefreshCache',
  'GetExtendedUpdateInfo',
  'GetExtendedUpdateInfo2',
  'GetFileLocations',
] as const;
export const REPORTING_OPERATIONS = [
  'ReportEventBatch',
  'ReportEventBatch2',
  'GetRequiredInventoryType',
  'ReportInventory',
  'GetRollupConfiguration',
  'RollupDownstreamServers',
  'RollupComputers',
  'GetOutOfSyncComputers',
  'RollupComputerStatus',
] as const;

export type WuspOperationName =
  | (typeof SIMPLE_AUTH_OPERATIONS)[number]
  | (typeof CLIENT_OPERATIONS)[number]
  | (typeof REPORTING_OPERATIONS)[number];

/**
 * client.asmx answers in the compact WCF-like framing, SimpleAuth (fixture 02) and Reporting
 * (observed-interop.md A.1) in classic ASMX framing; see EnvelopeStyle. The gateway also uses this to
 * frame faults for requests refused before their operation was known (it knows the endpoint).
 */
export const WUSP_RESPONSE_STYLE: Readonly<Record<WuspService, EnvelopeStyle>> = { SimpleAuth: 'asmx', Client: 'compact', Reporting: 'asmx' };

/**
 * The ArrayOfInt parameters each decoder reads with `ElementReader.intArray` and nothing else, which
 * the parser may therefore hand over as numbers (SoapOperation.packedIntLists): a rescan's two id lists
 * are its largest part. SyncPrinterCatalog's lists are read in both spellings (wusp.md §16.2).
 */
const PACKED_INT_LISTS: Partial<Record<WuspOperationName, readonly string[]>> = {
  SyncUpdates: ['InstalledNonLeafUpdateIDs', 'OtherCachedUpdateIDs', 'CachedDriverIDs'],
  SyncPrinterCatalog: ['installedNonLeafUpdateIDs', 'InstalledNonLeafUpdateIDs', 'printerUpdateIDs', 'PrinterUpdateIDs'],
  GetExtendedUpdateInfo: ['revisionIDs'],
};

function operation(service: WuspService, name: WuspOperationName, alternateActions?: readonly string[]): SoapOperation {
  const packedIntLists = PACKED_INT_LISTS[name];
  return {
    service,
    name,
    namespace: WUSP_SERVICE_NAMESPACE[service],
    action: wuspAction(service, name),
    ...(alternateActions ? { alternateActions } : {}),
    responseStyle: WUSP_RESPONSE_STYLE[service],
    ...(packedIntLists ? { packedIntLists } : {}),
  };
}

export const WUSP_OPERATIONS: readonly SoapOperation[] = [
  ...SIMPLE_AUTH_OPERATIONS.map((name) => operation('SimpleAuth', name)),
  ...CLIENT_OPERATIONS.map((name) =>
    // MS-WUSP §2.2.2.2.9 prose gives SyncPrinterCatalog the SyncUpdates action while the WSDL binding says
    // SyncPrinterCatalog (wusp.md §16.2): accept both, dispatching on the body element.
    name === 'SyncPrinterCatalog' ? operation('Client', name, [wuspAction('Client', 'SyncUpdates')]) : operation('Client', name),
  ),
  ...REPORTING_OPERATIONS.map((name) => operation('Reporting', name)),
];

export const WUSP_OPERATION_CATALOG = new SoapOperationCatalog(WUSP_OPERATIONS);

export function wuspOperation(name: WuspOperationName): SoapOperation {
  const op = WUSP_OPERATIONS.find((o) => o.name === name);
  if (op === undefined) throw new Error(`unknown WUSP operation ${name}`);
  return op;
}

/** `parseSoapRequest` bound to the MS-WUSP operations (all three services). */
export function parseWuspRequest(body: Buffer | string, headers: SoapHttpHeaders, limits?: Partial<SoapLimits>): ParsedSoapRequest {
  return parseSoapRequest(body, headers, { operations: WUSP_OPERATION_CATALOG, ...(limits ? { limits } : {}) });
}
