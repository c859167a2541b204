import { invalidParameter, textElement, type XmlNode } from '../soap/index.js';
import type { Cookie } from './wusp-common.types.js';
import { boolText, readRequiredCookie, responseElement, stripUndefined } from './wusp-common.codec.js';
import type { ElementReader } from './wusp-value.reader.js';
import { REPORTING_NS } from './wusp.namespaces.js';

export const PROCESSOR_ARCHITECTURES = ['Unknown', 'X86Compatible', 'IA64Compatible', 'Amd64Compatible'] as const;
export type ProcessorArchitecture = (typeof PROCESSOR_ARCHITECTURES)[number];

/** BasicData (wusp.md §11.1), WSDL order. */
export interface BasicData {
  /** `Sid` = the GetAuthorizationCookie clientId. */
  readonly targetId?: { readonly sid?: string };
  readonly sequenceNumber: number;
  readonly timeAtTarget: string;
  /** Client-generated per occurrence; the de-duplication key for retried batches. */
  readonly eventInstanceId: string;
  readonly namespaceId: number;
  readonly eventId: number;
  readonly sourceId: number;
  readonly updateId?: { readonly updateId: string; readonly revisionNumber: number };
  readonly win32HResult: number;
  readonly appName?: string;
}

export interface DetailedVersion {
  readonly major: number;
  readonly minor: number;
  readonly build: number;
  readonly revision: number;
  readonly servicePackMajor: number;
  readonly servicePackMinor: number;
}

export interface ExtendedData {
  readonly replacementStrings?: readonly string[];
  /** `Tag=value` strings (wusp.md §11.1 MiscData table). */
  readonly miscData?: readonly string[];
  readonly computerBrand?: string;
  readonly computerModel?: string;
  readonly biosRevision?: string;
  readonly processorArchitecture: ProcessorArchitecture;
  readonly osVersion: DetailedVersion;
  readonly osLocaleId: number;
  readonly deviceId?: string;
}

export interface ReportingEvent {
  readonly basicData?: BasicData;
  readonly extendedData?: ExtendedData;
  /** MUST be present and empty, MUST be ignored: decoded for completeness only. */
  readonly privateData?: { readonly computerDnsName?: string; readonly userAccountName?: string };
}

export interface ReportEventBatchRequest {
  readonly cookie: Cookie;
  readonly clientTime: string;
  readonly eventBatch: readonly ReportingEvent[];
}

/** ReportEventBatch2 identifies the computer by id instead of a cookie (WSDL only, no processing rules). */
export interface ReportEventBatch2Request {
  readonly computerId?: string;
  readonly clientTime: string;
  readonly eventBatch: readonly ReportingEvent[];
}

/** cookie → InvalidCookie; clientTime and eventBatch MUST be present → InvalidParameters (§3.1.5.11 "MAY"; we do). */
export function decodeReportEventBatch(r: ElementReader): ReportEventBatchRequest {
  const cookie = readRequiredCookie(r);
  return { cookie, clientTime: r.requiredDateTime('clientTime'), eventBatch: readEventBatch(r) };
}

export function decodeReportEventBatch2(r: ElementReader): ReportEventBatch2Request {
  return stripUndefined<ReportEventBatch2Request>({
    computerId: r.string('computerId'),
    clientTime: r.requiredDateTime('clientTime'),
    eventBatch: readEventBatch(r),
  });
}

function readEventBatch(r: ElementReader): ReportingEvent[] {
  return r.requiredArray('eventBatch', 'ReportingEvent', (e) => {
    const basic = e.nested('BasicData');
    const extended = e.nested('ExtendedData');
    const priv = e.nested('PrivateData');
    return stripUndefined<ReportingEvent>({
      basicData: basic === undefined ? undefined : readBasicData(basic),
      extendedData: extended === undefined ? undefined : readExtendedData(extended),
      privateData:
        priv === undefined
          ? undefined
          : stripUndefined<{ computerDnsName?: string; userAccountName?: string }>({
              computerDnsName: priv.string('ComputerDnsName'),
              userAccountName: priv.string('UserAccountName'),
            }),
    });
  });
}

function readBasicData(b: ElementReader): BasicData {
  const target = b.nested('TargetID');
  const update = b.nested('UpdateID');
  return stripUndefined<BasicData>({
    targetId: target === undefined ? undefined : stripUndefined<{ sid?: string }>({ sid: target.string('Sid') }),
    sequenceNumber: b.requiredInt('SequenceNumber'),
    timeAtTarget: b.requiredDateTime('TimeAtTarget'),
    eventInstanceId: b.requiredGuid('EventInstanceID'),
    namespaceId: b.requiredInt('NamespaceID'),
    eventId: b.requiredShort('EventID'),
    sourceId: b.requiredShort('SourceID'),
    updateId: update === undefined ? undefined : { updateId: update.requiredGuid('UpdateID'), revisionNumber: update.requiredInt('RevisionNumber') },
    // The WSDL and the §4 examples spell it Win32HResult (wusp.md's table says Win32Hresult).
    win32HResult: b.requiredInt('Win32HResult'),
    appName: b.string('AppName'),
  });
}

function readExtendedData(x: ElementReader): ExtendedData {
  const arch = x.requiredString('ProcessorArchitecture').trim();
  if (!(PROCESSOR_ARCHITECTURES as readonly string[]).includes(arch)) throw invalidParameter(x.pathOf('ProcessorArchitecture'));
  const v = x.requiredNested('OSVersion');
  return stripUndefined<ExtendedData>({
    replacementStrings: x.stringArray('ReplacementStrings'),
    miscData: x.stringArray('MiscData'),
    computerBrand: x.string('ComputerBrand'),
    computerModel: x.string('ComputerModel'),
    biosRevision: x.string('BiosRevision'),
    processorArchitecture: arch as ProcessorArchitecture,
    osVersion: {
      major: v.requiredInt('Major'),
      minor: v.requiredInt('Minor'),
      build: v.requiredInt('Build'),
      revision: v.requiredInt('Revision'),
      servicePackMajor: v.requiredInt('ServicePackMajor'),
      servicePackMinor: v.requiredInt('ServicePackMinor'),
    },
    osLocaleId: x.requiredInt('OSLocaleID'),
    deviceId: x.string('DeviceID'),
  });
}

/** ReportEventBatchResult: TRUE if the events were received (§2.2.2.3.1). */
export function encodeReportEventBatchResponse(result: boolean): XmlNode {
  return responseElement(REPORTING_NS, 'ReportEventBatch', [textElement('ReportEventBatchResult', boolText(result))]);
}

export function encodeReportEventBatch2Response(result: boolean): XmlNode {
  return responseElement(REPORTING_NS, 'ReportEventBatch2', [textElement('ReportEventBatch2Result', boolText(result))]);
}
