import { element, textElement, type XmlNode } from '../soap/index.js';
import type { Cookie } from './wusp-common.types.js';
import { boolText, intText, readCookie, responseElement, stringArrayNode, stripUndefined } from './wusp-common.codec.js';
import { type ElementReader, parseDateTime, parseGuid, parseInt16, parseInt32, parseUInt8 } from './wusp-value.reader.js';
import { REPORTING_NS } from './wusp.namespaces.js';

/**
 * The five downstream-server rollup operations of the Reporting service (specified in MS-WSUSSS,
 * wsusss.md). They carry the fixed reserved cookie (Expiration 9999-12-31…, empty EncryptedData), so
 * EncryptedData is not required here.
 */
function rollupCookie(r: ElementReader): Cookie {
  return readCookie(r, 'cookie', { required: true, requireEncryptedData: false }) as Cookie;
}

export interface GetRollupConfigurationRequest {
  readonly cookie: Cookie;
}

export function decodeGetRollupConfiguration(r: ElementReader): GetRollupConfigurationRequest {
  return { cookie: rollupCookie(r) };
}

export interface DownstreamServerRollupServerSummary {
  readonly [counter: string]: number;
}

export interface DownstreamServerRollupClientSummary {
  readonly osMajorVersion: number;
  readonly osMinorVersion: number;
  readonly osBuildNumber: number;
  readonly osServicePackMajorNumber: number;
  readonly osServicePackMinorNumber: number;
  readonly osLocale?: string;
  readonly suiteMask: number;
  readonly oldProductType: number;
  readonly newProductType: number;
  readonly systemMetrics: number;
  readonly processorArchitecture?: string;
  readonly count: number;
  readonly activitySummaries?: readonly { updateId: string; revisionNumber: number; installSuccessCount: number; installFailureCount: number }[];
}

export interface DownstreamServerRollupInfo {
  readonly serverId: string;
  readonly fullDomainName?: string;
  readonly lastSyncTime: string;
  readonly parentServerId: string;
  readonly version?: string;
  readonly isReplica: boolean;
  readonly lastRollupTime: string;
  /** Counter name (WSDL element name, e.g. `UpdateCount`) → value. */
  readonly serverSummary?: DownstreamServerRollupServerSummary;
  readonly clientSummaries?: readonly DownstreamServerRollupClientSummary[];
}

export interface RollupDownstreamServersRequest {
  readonly cookie: Cookie;
  readonly clientTime: string;
  readonly downstreamServers: readonly DownstreamServerRollupInfo[];
}

/** DownstreamServerRollupServerSummary's int counters, WSDL order. */
export const SERVER_SUMMARY_COUNTERS = [
  'UpdateCount',
  'DeclinedUpdateCount',
  'ApprovedUpdateCount',
  'NotApprovedUpdateCount',
  'UpdatesWithStaleUpdateApprovalsCount',
  'ExpiredUpdateCount',
  'CriticalOrSecurityUpdatesNotApprovedForInstallCount',
  'WsusInfrastructureUpdatesNotApprovedForInstallCount',
  'UpdatesWithClientErrorsCount',
  'UpdatesWithServerErrorsCount',
  'UpdatesNeedingFilesCount',
  'UpdatesNeededByComputersCount',
  'UpdatesUpToDateCount',
  'CustomComputerTargetGroupCount',
  'ComputerTargetCount',
  'ComputerTargetsNeedingUpdatesCount',
  'ComputerTargetsWithUpdateErrorsCount',
  'ComputersUpToDateCount',
] as const;

export function decodeRollupDownstreamServers(r: ElementReader): RollupDownstreamServersRequest {
  const cookie = rollupCookie(r);
  const clientTime = r.requiredDateTime('clientTime');
  const downstreamServers = r.requiredArray('downstreamServers', 'DownstreamServerRollupInfo', (s) => {
    const summary = s.nested('ServerSummary');
    return stripUndefined<DownstreamServerRollupInfo>({
      serverId: s.requiredGuid('ServerId'),
      fullDomainName: s.string('FullDomainName'),
      lastSyncTime: s.requiredDateTime('LastSyncTime'),
      parentServerId: s.requiredGuid('ParentServerId'),
      version: s.string('Version'),
      isReplica: s.requiredBoolean('IsReplica'),
      lastRollupTime: s.requiredDateTime('LastRollupTime'),
      serverSummary: summary === undefined ? undefined : Object.fromEntries(SERVER_SUMMARY_COUNTERS.map((n) => [n, summary.requiredInt(n)])),
      clientSummaries: s.array('ClientSummaries', 'DownstreamServerRollupClientSummary', (c) =>
        stripUndefined<DownstreamServerRollupClientSummary>({
          osMajorVersion: c.requiredInt('OSMajorVersion'),
          osMinorVersion: c.requiredInt('OSMinorVersion'),
          osBuildNumber: c.requiredInt('OSBuildNumber'),
          osServicePackMajorNumber: c.requiredInt('OSServicePackMajorNumber'),
          osServicePackMinorNumber: c.requiredInt('OSServicePackMinorNumber'),
          osLocale: c.string('OSLocale'),
          suiteMask: c.requiredShort('SuiteMask'),
          oldProductType: c.requiredUnsignedByte('OldProductType'),
          newProductType: c.requiredInt('NewProductType'),
          systemMetrics: c.requiredInt('SystemMetrics'),
          processorArchitecture: c.string('ProcessorArchitecture'),
          count: c.requiredInt('Count'),
          activitySummaries: c.array('ActivitySummaries', 'DownstreamServerRollupClientActivitySummary', (a) => ({
            updateId: a.requiredGuid('UpdateId'),
            revisionNumber: a.requiredInt('RevisionNumber'),
            installSuccessCount: a.requiredInt('InstallSuccessCount'),
            installFailureCount: a.requiredInt('InstallFailureCount'),
          })),
        }),
      ),
    });
  });
  return { cookie, clientTime, downstreamServers };
}

/** ComputerRollupDetails: data in attributes (schema-summary.md), two child lists. */
export interface ComputerRollupDetails {
  readonly attributes: Readonly<Record<string, string>>;
  readonly targetGroupIdList?: readonly string[];
  readonly requestedTargetGroupNames?: readonly string[];
}

export interface ComputerRollupInfo {
  readonly computerId?: string;
  readonly lastSyncTime: string;
  readonly lastSyncResult: number;
  readonly lastReportedRebootTime: string;
  readonly lastReportedStatusTime: string;
  readonly lastInventoryTime: string;
  readonly parentServerId: string;
  readonly details?: ComputerRollupDetails;
}

export interface RollupComputersRequest {
  readonly cookie: Cookie;
  readonly clientTime: string;
  readonly computers: readonly ComputerRollupInfo[];
}

/** Required attributes of ComputerRollupDetails with their xs types; the optional ones are passed through as strings. */
const DETAIL_REQUIRED: ReadonlyArray<readonly [string, (raw: string, path: string) => unknown]> = [
  ['OSMajorVersion', parseInt32],
  ['OSMinorVersion', parseInt32],
  ['OSBuildNumber', parseInt32],
  ['OSServicePackMajorNumber', parseInt32],
  ['OSServicePackMinorNumber', parseInt32],
  ['BiosReleaseDate', parseDateTime],
  ['SuiteMask', parseInt16],
  ['OldProductType', parseUInt8],
  ['NewProductType', parseInt32],
  ['SystemMetrics', parseInt32],
];

export function decodeRollupComputers(r: ElementReader): RollupComputersRequest {
  const cookie = rollupCookie(r);
  const clientTime = r.requiredDateTime('clientTime');
  const computers = r.requiredArray('computers', 'ComputerRollupInfo', (c) => {
    const d = c.nested('Details');
    if (d !== undefined) for (const [name, parse] of DETAIL_REQUIRED) d.requiredAttr(name, parse);
    return stripUndefined<ComputerRollupInfo>({
      computerId: c.attr('ComputerId'),
      lastSyncTime: c.requiredAttr('LastSyncTime', parseDateTime),
      lastSyncResult: c.requiredAttr('LastSyncResult', parseInt32),
      lastReportedRebootTime: c.requiredAttr('LastReportedRebootTime', parseDateTime),
      lastReportedStatusTime: c.requiredAttr('LastReportedStatusTime', parseDateTime),
      lastInventoryTime: c.requiredAttr('LastInventoryTime', parseDateTime),
      parentServerId: c.requiredAttr('ParentServerId', parseGuid),
      details:
        d === undefined
          ? undefined
          : stripUndefined<ComputerRollupDetails>({
              attributes: Object.fromEntries(d.element.attributes.filter((a) => a.ns === '').map((a) => [a.name, a.value])),
              targetGroupIdList: d.guidArray('TargetGroupIdList'),
              requestedTargetGroupNames: d.stringArray('RequestedTargetGroupNames'),
            }),
    });
  });
  return { cookie, clientTime, computers };
}

export interface GetOutOfSyncComputersRequest {
  readonly cookie: Cookie;
  readonly parentServerId: string;
  readonly lastRollupNumbers: readonly { computerId?: string; rollupNumber: number }[];
}

export function decodeGetOutOfSyncComputers(r: ElementReader): GetOutOfSyncComputersRequest {
  const cookie = rollupCookie(r);
  return {
    cookie,
    parentServerId: r.requiredGuid('parentServerId'),
    lastRollupNumbers: r.array('lastRollupNumbers', 'ComputerLastRollupNumber', (n) =>
      stripUndefined<{ computerId?: string; rollupNumber: number }>({ computerId: n.string('ComputerId'), rollupNumber: n.requiredInt('RollupNumber') }),
    ) ?? [],
  };
}

export interface ComputerStatusRollupInfo {
  readonly instanceId: string;
  readonly computerId?: string;
  readonly effectiveLastDetectionTime: string;
  readonly rollupNumber: number;
  readonly isFullRollup: boolean;
  readonly updateStatus?: readonly { updateId: string; summarizationState: number; lastChangeTime: string }[];
}

export interface RollupComputerStatusRequest {
  readonly cookie: Cookie;
  readonly clientTime: string;
  readonly parentServerId: string;
  readonly computers: readonly ComputerStatusRollupInfo[];
}

export function decodeRollupComputerStatus(r: ElementReader): RollupComputerStatusRequest {
  const cookie = rollupCookie(r);
  return {
    cookie,
    clientTime: r.requiredDateTime('clientTime'),
    parentServerId: r.requiredGuid('parentServerId'),
    computers: r.requiredArray('computers', 'ComputerStatusRollupInfo', (c) =>
      stripUndefined<ComputerStatusRollupInfo>({
        instanceId: c.requiredGuid('InstanceId'),
        computerId: c.string('ComputerId'),
        effectiveLastDetectionTime: c.requiredDateTime('EffectiveLastDetectionTime'),
        rollupNumber: c.requiredInt('RollupNumber'),
        isFullRollup: c.requiredBoolean('IsFullRollup'),
        updateStatus: c.array('UpdateStatus', 'ComputerStatusRollupUpdateStatus', (u) => ({
          updateId: u.requiredGuid('UpdateId'),
          summarizationState: u.requiredInt('SummarizationState'),
          lastChangeTime: u.requiredDateTime('LastChangeTime'),
        })),
      }),
    ),
  };
}

// Encoders for the rollup answers (WSDL order); the upstream-side behaviour lives elsewhere.

export interface RollupConfiguration {
  readonly doDetailedRollup: boolean;
  readonly rollupResetGuid: string;
  readonly serverId: string;
  readonly rollupDownstreamServersMaxBatchSize: number;
  readonly rollupComputersMaxBatchSize: number;
  readonly getOutOfSyncComputersMaxBatchSize: number;
  readonly rollupComputerStatusMaxBatchSize: number;
}

export function encodeGetRollupConfigurationResponse(c: RollupConfiguration): XmlNode {
  return responseElement(REPORTING_NS, 'GetRollupConfiguration', [
    element('GetRollupConfigurationResult', [
      textElement('DoDetailedRollup', boolText(c.doDetailedRollup)),
      textElement('RollupResetGuid', c.rollupResetGuid),
      textElement('ServerId', c.serverId),
      textElement('RollupDownstreamServersMaxBatchSize', intText(c.rollupDownstreamServersMaxBatchSize)),
      textElement('RollupComputersMaxBatchSize', intText(c.rollupComputersMaxBatchSize)),
      textElement('GetOutOfSyncComputersMaxBatchSize', intText(c.getOutOfSyncComputersMaxBatchSize)),
      textElement('RollupComputerStatusMaxBatchSize', intText(c.rollupComputerStatusMaxBatchSize)),
    ]),
  ]);
}

export function encodeRollupDownstreamServersResponse(): XmlNode {
  return responseElement(REPORTING_NS, 'RollupDownstreamServers', []);
}

export function encodeRollupComputersResponse(changed: readonly { computerId?: string; change: 'Deleted' | 'NewParent' }[]): XmlNode {
  return responseElement(REPORTING_NS, 'RollupComputers', [
    element(
      'RollupComputersResult',
      changed.map((c) => element('ChangedComputer', [], [...(c.computerId !== undefined ? [['ComputerId', c.computerId] as const] : []), ['Change', c.change] as const])),
    ),
  ]);
}

export function encodeGetOutOfSyncComputersResponse(computerIds: readonly string[]): XmlNode {
  return responseElement(REPORTING_NS, 'GetOutOfSyncComputers', [stringArrayNode('GetOutOfSyncComputersResult', computerIds)]);
}

export function encodeRollupComputerStatusResponse(result: boolean): XmlNode {
  return responseElement(REPORTING_NS, 'RollupComputerStatus', [textElement('RollupComputerStatusResult', boolText(result))]);
}

