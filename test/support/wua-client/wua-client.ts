import { createHash } from 'node:crypto';
import { CLIENT_NS, decompressXpress, REPORTING_NS, SIMPLE_AUTH_NS, type XmlElement } from '#wsus-codecs';
import { CachedIdSet, detached, el, envelope, intList, kid, kids, parseResponse, path, text, textOf, write, type XmlNode } from './wua-xml.js';

/**
 * A Windows Update Agent for tests and benchmarks: it walks MS-WUSP the way the native client does
 * (handshake, staged SyncUpdates loop with prerequisite evaluation, driver pass, extended info,
 * ranged download, reporting), over real HTTP, and fails loudly on any SOAP fault.
 */
export interface ClientIdentity {
  readonly clientId: string;
  readonly dnsName: string;
  /** Client-side targeting group names (TargetGroup policy). */
  readonly targetGroups?: readonly string[];
}

export interface UpdateInfoSeen {
  readonly revisionId: number;
  readonly isLeaf: boolean;
  readonly deploymentAction: string | undefined;
  readonly deadline: string | undefined;
  readonly updateId: string | undefined;
  readonly revisionNumber: number | undefined;
  readonly updateType: string | undefined;
  /** Deployment.HardwareIds (driver deployments, client protocol 1.6+). */
  readonly hardwareIds: string[];
  readonly coreXml: string;
}

/** The driver a simulated device has installed (SystemSpec/Device/installedDriver). */
export interface SimulatedInstalledDriver {
  readonly matchingId: string;
  /** yyyy-MM-dd. */
  readonly driverVerDate: string;
  /** Four-part version; sent packed in 64 bits as Windows does. */
  readonly driverVerVersion: string;
  readonly class?: string;
  readonly manufacturer?: string;
  readonly provider?: string;
  readonly model?: string;
  readonly matchingComputerHwid?: string;
  /** Windows driver rank 0xSSGGTHHH; -1 when unknown (printers). */
  readonly driverRank?: number;
}

/** One SystemSpec device, as a Windows client reports it in the driver pass. */
export interface SimulatedDevice {
  readonly hardwareIds: readonly string[];
  readonly compatibleIds?: readonly string[];
  readonly installedDriver?: SimulatedInstalledDriver;
  readonly driverRecoveryIds?: readonly string[];
  /** Bit 0: not PnP-enumerated (printers). */
  readonly deviceFlags?: number;
}

/** What the client says about its hardware in the driver pass. */
export interface SimulatedSystemSpec {
  readonly devices: readonly SimulatedDevice[];
  /** ComputerSpec/HardwareIDs (CHIDs), most specific first. */
  readonly computerHardwareIds?: readonly string[];
  /** Default "AMD64.10.0", as Windows 11 x64 sends it. */
  readonly featureScoreMatchingKey?: string;
}

export interface RefreshCacheAnswer {
  readonly revisionId: number;
  readonly updateId: string;
  readonly revisionNumber: number;
  readonly isLeaf: boolean;
  readonly deploymentAction: string | undefined;
}

export interface SyncPage {
  readonly newUpdates: UpdateInfoSeen[];
  readonly changedUpdates: UpdateInfoSeen[];
  readonly outOfScope: number[];
  readonly truncated: boolean;
  readonly driverSyncNotNeeded: string | undefined;
}

/** Decides what the client believes is installed; the default installs categories and detectoids. */
export type ApplicabilityEvaluator = (update: UpdateInfoSeen) => 'installed' | 'not-installed';

export const defaultEvaluator: ApplicabilityEvaluator = (u) =>
  u.updateType === 'Category' || u.updateType === 'Detectoid' ? 'installed' : 'not-installed';

export class WuspFaultError extends Error {
  constructor(
    readonly operation: string,
    readonly httpStatus: number,
    readonly errorCode: string | undefined,
    readonly body: string,
  ) {
    super(`${operation}: SOAP fault ${errorCode ?? '(no ErrorCode)'} (HTTP ${httpStatus})`);
  }
}

export interface CallTiming {
  readonly operation: string;
  readonly ms: number;
  readonly bytes: number;
  /** The server's own time for the call, when it sent `Server-Timing: app;dur=…` (the bench's server does). */
  readonly serverMs?: number;
  /** Before that: from the client's send to the server's having parsed the headers (`queue;dur=…`, when the request was stamped). */
  readonly serverQueueMs?: number;
}

/** One SOAP call's answer as the client reads it. */
export interface WuspHttpResponse {
  readonly status: number;
  header(name: string): string | null;
  readonly body: Buffer;
}

/**
 * What carries a SOAP POST. `fetch` by default; a bench fleet simulating a thousand computers in one
 * process passes a cheaper one (node:http with a keep-alive agent), since its own CPU is timed too.
 */
export type WuspTransport = (url: string, headers: Readonly<Record<string, string>>, body: string) => Promise<WuspHttpResponse>;

const fetchTransport: WuspTransport = async (url, headers, body) => {
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, header: (name) => response.headers.get(name), body: Buffer.from(await response.arrayBuffer()) };
};

const USER_AGENT = 'Windows-Update-Agent/1507.2601.30012.0 Client-Protocol/2.90';
const PROTOCOL_VERSION = '2.90';

export class WindowsUpdateAgentClient {
  private cookie: { expiration: string; encryptedData: string } | null = null;
  private authCookie: { plugInId: string; cookieData: string } | null = null;
  private lastChange: string | null = null;
  readonly cache = new Map<number, UpdateInfoSeen>();
  readonly installedNonLeaf = new CachedIdSet();
  readonly otherCached = new CachedIdSet();
  /** Driver revisions in the client cache: CachedDriverIDs of the driver pass. */
  readonly cachedDrivers = new Map<number, UpdateInfoSeen>();
  readonly timings: CallTiming[] = [];

  constructor(
    readonly baseUrl: string,
    readonly identity: ClientIdentity,
    private readonly options: {
      acceptXpress?: boolean;
      evaluator?: ApplicabilityEvaluator;
      /**
       * false: cache entries drop the update's core XML once it has been read (default: kept, for
       * tests that inspect it). A real agent keeps that metadata in its datastore on disk; a bench
       * process simulating a thousand computers would otherwise hold ~1,000 fragments per computer in
       * its own heap, and its garbage collection would be timed as server latency.
       */
      keepCoreXml?: boolean;
      transport?: WuspTransport;
    } = {},
  ) {}

  /**
   * What enters the cache (and the driver cache): every string copied out of the page it came in
   * (wua-xml.ts `detached`), so an entry kept for many scans does not keep its page; the core XML
   * only when it is kept.
   */
  private cached(u: UpdateInfoSeen): UpdateInfoSeen {
    return {
      ...u,
      deploymentAction: optionalDetached(u.deploymentAction),
      deadline: optionalDetached(u.deadline),
      updateId: optionalDetached(u.updateId),
      updateType: optionalDetached(u.updateType),
      hardwareIds: u.hardwareIds.map(detached),
      coreXml: this.options.keepCoreXml === false ? '' : u.coreXml,
    };
  }

  get currentCookie(): { expiration: string; encryptedData: string } | null {
    return this.cookie;
  }

  /** GetConfig → GetAuthorizationCookie → GetCookie → RegisterComputer, as on a first contact. */
  /**
   * GetConfig → GetAuthorizationCookie → GetCookie → RegisterComputer. A configuration change that
   * reaches the server between the first and the third gets ConfigChanged from GetCookie; WUA then
   * starts over from GetConfig (recover), and so does this, a bounded number of times.
   */
  async handshake(maxRecoveries = 3): Promise<void> {
    await this.getConfig();
    await this.getAuthorizationCookie();
    for (let recovered = 0; ; recovered += 1) {
      try {
        await this.getCookie();
        break;
      } catch (error) {
        if (!(error instanceof WuspFaultError) || error.errorCode !== 'ConfigChanged' || recovered >= maxRecoveries) throw error;
        await this.getConfig();
        await this.getAuthorizationCookie();
      }
    }
    await this.registerComputer();
  }

  async getConfig(): Promise<XmlElement> {
    const result = await this.call('Client', 'GetConfig', [text('protocolVersion', PROTOCOL_VERSION)]);
    const lastChange = textOf(result, 'GetConfigResult', 'LastChange');
    this.lastChange = lastChange === undefined ? null : detached(lastChange);
    return result;
  }

  async getAuthorizationCookie(): Promise<void> {
    const children: XmlNode[] = [text('clientId', this.identity.clientId), text('dnsName', this.identity.dnsName)];
    if (this.identity.targetGroups?.length) children.push(text('targetGroupName', this.identity.targetGroups.join(';')));
    const result = await this.call('SimpleAuth', 'GetAuthorizationCookie', children);
    const cookie = kid(result, 'GetAuthorizationCookieResult');
    this.authCookie = { plugInId: detached(textOf(cookie, 'PlugInId') ?? ''), cookieData: detached(textOf(cookie, 'CookieData') ?? '') };
  }

  async getCookie(): Promise<void> {
    if (!this.authCookie) throw new Error('GetCookie before GetAuthorizationCookie');
    const now = new Date().toISOString();
    const result = await this.call('Client', 'GetCookie', [
      el('authCookies', el('AuthorizationCookie', text('PlugInId', this.authCookie.plugInId), text('CookieData', this.authCookie.cookieData))),
      this.cookie
        ? el('oldCookie', text('Expiration', this.cookie.expiration), text('EncryptedData', this.cookie.encryptedData))
        : el('oldCookie', text('Expiration', now)),
      text('lastChange', this.lastChange ?? now),
      text('currentTime', now),
      text('protocolVersion', PROTOCOL_VERSION),
    ]);
    this.takeCookie(kid(result, 'GetCookieResult'));
  }

  async registerComputer(): Promise<void> {
    await this.call('Client', 'RegisterComputer', [
      this.cookieNode(),
      el(
        'computerInfo',
        text('DnsName', this.identity.dnsName),
        text('OSMajorVersion', 10),
        text('OSMinorVersion', 0),
        text('OSBuildNumber', 26200),
        text('OSServicePackMajorNumber', 0),
        text('OSServicePackMinorNumber', 0),
        text('OSLocale', 'en-US'),
        text('ComputerManufacturer', 'Watershed Test'),
        text('ComputerModel', 'Simulated'),
        text('BiosVersion', 'unknown'),
        text('BiosName', 'unknown'),
        text('BiosReleaseDate', '2022-02-02T00:00:00Z'),
        text('ProcessorArchitecture', 'AMD64'),
        text('SuiteMask', 256),
        text('OldProductType', 1),
        text('NewProductType', 48),
        text('SystemMetrics', 0),
        text('ClientVersionMajorNumber', 1507),
        text('ClientVersionMinorNumber', 2601),
        text('ClientVersionBuildNumber', 30012),
        text('ClientVersionQfeNumber', 0),
        text('OSDescription', 'Windows 10 Pro'),
        text('OEM', 'Watershed Test'),
        text('DeviceType', 'Simulated'),
        text('FirmwareVersion', 'unknown'),
        text('MobileOperator', 'Not Present'),
      ),
    ]);
  }

  /** One SyncUpdates call with the client's current cache, as the native client sends it (WSDL element order). */
  async syncUpdatesPage(options: { skipSoftwareSync?: boolean; systemSpec?: SimulatedSystemSpec } = {}): Promise<SyncPage> {
    const drivers = options.skipSoftwareSync ?? false;
    const parameters: XmlNode[] = [text('ExpressQuery', false)];
    if (this.installedNonLeaf.size > 0) parameters.push(this.installedNonLeaf.intList('InstalledNonLeafUpdateIDs'));
    // The driver pass repeats InstalledNonLeafUpdateIDs and drops OtherCachedUpdateIDs (observed-interop.md A.3).
    if (!drivers && this.otherCached.size > 0) parameters.push(this.otherCached.intList('OtherCachedUpdateIDs'));
    if (drivers) {
      parameters.push(systemSpecNode(options.systemSpec?.devices ?? []));
      if (this.cachedDrivers.size > 0) parameters.push(intList('CachedDriverIDs', this.cachedDrivers.keys()));
    }
    parameters.push(text('SkipSoftwareSync', drivers));
    parameters.push(text('NeedTwoGroupOutOfScopeUpdates', false));
    if (drivers) {
      parameters.push(el('ComputerSpec', el('HardwareIDs', ...(options.systemSpec?.computerHardwareIds ?? []).map((g) => text('guid', g)))));
      parameters.push(text('FeatureScoreMatchingKey', options.systemSpec?.featureScoreMatchingKey ?? 'AMD64.10.0'));
    }
    const result = await this.call('Client', 'SyncUpdates', [this.cookieNode(), el('parameters', ...parameters)]);
    const info = kid(result, 'SyncUpdatesResult');
    this.takeCookie(kid(info, 'NewCookie'));
    return readSyncPage(info);
  }

  /**
   * The software-pass loop: call, evaluate what arrived, move installed non-leaf revisions into
   * InstalledNonLeafUpdateIDs and everything else into OtherCachedUpdateIDs, call again while the
   * page was truncated or brought a non-leaf update (§3.1.5.7). Returns every page seen.
   */
  async syncSoftware(maxCalls = 200): Promise<SyncPage[]> {
    const evaluate = this.options.evaluator ?? defaultEvaluator;
    const pages: SyncPage[] = [];
    for (let call = 0; call < maxCalls; call += 1) {
      const page = await this.syncUpdatesPage();
      pages.push(page);
      for (const id of page.outOfScope) {
        this.cache.delete(id);
        this.installedNonLeaf.delete(id);
        this.otherCached.delete(id);
      }
      for (const u of [...page.newUpdates, ...page.changedUpdates]) {
        this.cache.set(u.revisionId, this.cached(u));
        this.installedNonLeaf.delete(u.revisionId);
        this.otherCached.delete(u.revisionId);
        if (!u.isLeaf && evaluate(u) === 'installed') this.installedNonLeaf.add(u.revisionId);
        else this.otherCached.add(u.revisionId);
      }
      const moreToStage = page.newUpdates.some((u) => !u.isLeaf);
      if (!page.truncated && !moreToStage) return pages;
    }
    throw new Error(`software sync did not finish within ${maxCalls} calls`);
  }

  /**
   * What WUA does with a cookie fault (MS-WUSP §2.2.2.4): InvalidCookie / ServerChanged → discard
   * the cookie, GetConfig, GetAuthorizationCookie, GetCookie, RefreshCache; ConfigChanged →
   * GetConfig, GetAuthorizationCookie, GetCookie; CookieExpired → GetAuthorizationCookie, GetCookie.
   * Returns whether the fault was one of those (false: not a cookie fault, nothing done).
   */
  async recover(errorCode: string | undefined): Promise<boolean> {
    switch (errorCode) {
      case 'InvalidCookie':
      case 'ServerChanged':
        this.cookie = null;
        await this.getConfig();
        await this.getAuthorizationCookie();
        await this.getCookie();
        await this.refreshCache();
        return true;
      case 'ConfigChanged':
        await this.getConfig();
        await this.getAuthorizationCookie();
        await this.getCookie();
        return true;
      case 'CookieExpired':
        await this.getAuthorizationCookie();
        await this.getCookie();
        return true;
      default:
        return false;
    }
  }

  /** The software pass as WUA runs it when the server may refuse its cookie: recover and start the pass again. Returns the pages and the faults recovered from. */
  async syncSoftwareRecovering(maxRecoveries = 3): Promise<{ pages: SyncPage[]; recovered: string[] }> {
    const recovered: string[] = [];
    for (;;) {
      try {
        return { pages: await this.syncSoftware(), recovered };
      } catch (error) {
        if (!(error instanceof WuspFaultError) || recovered.length >= maxRecoveries || !(await this.recover(error.errorCode))) throw error;
        recovered.push(error.errorCode!);
      }
    }
  }

  /**
   * RefreshCache (§3.1.5.8) for every cached revision, then the cache re-keyed as WUA does: entries
   * the server named get its RevisionIDs; the others keep their old ids until SyncUpdates puts them
   * out of scope.
   */
  async refreshCache(): Promise<RefreshCacheAnswer[]> {
    const identities = [...this.cache.values()].filter((u) => u.updateId !== undefined && u.revisionNumber !== undefined);
    if (identities.length === 0) return [];
    const result = await this.call('Client', 'RefreshCache', [
      this.cookieNode(),
      el('globalIDs', ...identities.map((u) => el('UpdateIdentity', text('UpdateID', u.updateId!), text('RevisionNumber', u.revisionNumber!)))),
    ]);
    const answers = kids(kid(result, 'RefreshCacheResult'), 'RefreshCacheResult').map((r) => ({
      revisionId: Number(textOf(r, 'RevisionID')),
      updateId: (textOf(r, 'GlobalID', 'UpdateID') ?? '').toLowerCase(),
      revisionNumber: Number(textOf(r, 'GlobalID', 'RevisionNumber')),
      isLeaf: textOf(r, 'IsLeaf') === 'true',
      deploymentAction: textOf(r, 'Deployment', 'Action'),
    }));
    this.applyRefreshCache(answers);
    return answers;
  }

  applyRefreshCache(answers: readonly RefreshCacheAnswer[]): void {
    const key = (u: { updateId: string | undefined; revisionNumber: number | undefined }): string => `${u.updateId}/${u.revisionNumber}`;
    const byIdentity = new Map(answers.map((a) => [key(a), a]));
    const entries = [...this.cache.values()];
    const installed = new Set([...this.installedNonLeaf].map((id) => this.cache.get(id)).filter((u): u is UpdateInfoSeen => u !== undefined).map(key));
    this.cache.clear();
    this.installedNonLeaf.clear();
    this.otherCached.clear();
    for (const entry of entries) {
      const answer = byIdentity.get(key(entry));
      const remapped: UpdateInfoSeen = answer === undefined ? entry : { ...entry, revisionId: answer.revisionId, isLeaf: answer.isLeaf, deploymentAction: answer.deploymentAction };
      this.cache.set(remapped.revisionId, this.cached(remapped));
      if (installed.has(key(entry))) this.installedNonLeaf.add(remapped.revisionId);
      else this.otherCached.add(remapped.revisionId);
    }
  }

  /**
   * The driver pass: one SyncUpdates call with SkipSoftwareSync=true, the devices and their installed
   * drivers, CachedDriverIDs, ComputerSpec and FeatureScoreMatchingKey; what arrives goes into the
   * driver cache, what is out of scope leaves it. Called again while Truncated (a page at a time).
   */
  async syncDrivers(systemSpec: SimulatedSystemSpec = { devices: [] }, maxCalls = 50): Promise<SyncPage> {
    const seen: SyncPage[] = [];
    for (let call = 0; call < maxCalls; call += 1) {
      const page = await this.syncUpdatesPage({ skipSoftwareSync: true, systemSpec });
      seen.push(page);
      for (const id of page.outOfScope) this.cachedDrivers.delete(id);
      for (const u of [...page.newUpdates, ...page.changedUpdates]) this.cachedDrivers.set(u.revisionId, this.cached(u));
      if (!page.truncated) {
        return {
          newUpdates: seen.flatMap((p) => p.newUpdates),
          changedUpdates: seen.flatMap((p) => p.changedUpdates),
          outOfScope: seen.flatMap((p) => p.outOfScope),
          truncated: false,
          driverSyncNotNeeded: page.driverSyncNotNeeded,
        };
      }
    }
    throw new Error(`driver sync did not finish within ${maxCalls} calls`);
  }

  /** SyncPrinterCatalog (Add Printer Wizard) with the given printer revisions as the cache. */
  async syncPrinterCatalog(printerUpdateIds: readonly number[] = []): Promise<SyncPage> {
    const result = await this.call('Client', 'SyncPrinterCatalog', [
      this.cookieNode(),
      this.installedNonLeaf.intList('installedNonLeafUpdateIDs'),
      intList('printerUpdateIDs', printerUpdateIds),
    ]);
    const info = kid(result, 'SyncPrinterCatalogResult');
    this.takeCookie(kid(info, 'NewCookie'));
    return readSyncPage(info);
  }

  async getExtendedUpdateInfo(revisionIds: readonly number[], infoTypes: readonly string[], locales: readonly string[] = ['en-US', 'en']): Promise<XmlElement> {
    return this.call('Client', 'GetExtendedUpdateInfo', [
      this.cookieNode(),
      intList('revisionIDs', revisionIds),
      el('infoTypes', ...infoTypes.map((t) => text('XmlUpdateFragmentType', t))),
      el('locales', ...locales.map((l) => text('string', l))),
    ]);
  }

  async getFileLocations(sha1Base64: readonly string[]): Promise<{ fileDigest: string; url: string }[]> {
    const result = await this.call('Client', 'GetFileLocations', [this.cookieNode(), el('fileDigests', ...sha1Base64.map((d) => text('base64Binary', d)))]);
    const locations = kids(path(result, 'GetFileLocationsResult', 'FileLocations'), 'FileLocation');
    this.takeCookie(path(result, 'GetFileLocationsResult', 'NewCookie'));
    return locations.map((l) => ({ fileDigest: textOf(l, 'FileDigest') ?? '', url: textOf(l, 'Url') ?? '' }));
  }

  /**
   * Downloads a file the way BITS and Delivery Optimization do: shuffled ranges of rangeBytes on
   * one keep-alive connection, reassembled, and returns it with its SHA-1 and SHA-256 (base64).
   */
  async download(url: string, rangeBytes = 1024 * 1024): Promise<{ bytes: Buffer; sha1: string; sha256: string }> {
    const head = await fetch(url, { method: 'HEAD' });
    if (head.status !== 200) throw new Error(`HEAD ${url}: HTTP ${head.status}`);
    const size = Number(head.headers.get('content-length'));
    const ranges: [number, number][] = [];
    for (let start = 0; start < size; start += rangeBytes) ranges.push([start, Math.min(size, start + rangeBytes) - 1]);
    ranges.sort(() => Math.random() - 0.5);
    const bytes = Buffer.alloc(size);
    for (const [start, end] of ranges) {
      const response = await fetch(url, { headers: { Range: `bytes=${start}-${end}` } });
      if (response.status !== 206) throw new Error(`GET ${url} bytes=${start}-${end}: HTTP ${response.status}`);
      Buffer.from(await response.arrayBuffer()).copy(bytes, start);
    }
    return {
      bytes,
      sha1: createHash('sha1').update(bytes).digest('base64'),
      sha256: createHash('sha256').update(bytes).digest('base64'),
    };
  }

  /** ReportEventBatch with the given events (each an EventInstanceID, EventID, update and HRESULT). */
  async reportEvents(events: readonly { eventInstanceId: string; eventId: number; updateId: string; revisionNumber: number; win32HResult?: number }[]): Promise<boolean> {
    const now = new Date().toISOString();
    const result = await this.call('Reporting', 'ReportEventBatch', [
      el('cookie', text('Expiration', this.cookie?.expiration ?? now), text('EncryptedData', this.cookie?.encryptedData ?? '')),
      text('clientTime', now),
      el(
        'eventBatch',
        ...events.map((e, i) =>
          el(
            'ReportingEvent',
            el(
              'BasicData',
              el('TargetID', text('Sid', this.identity.clientId.toLowerCase())),
              text('SequenceNumber', i),
              text('TimeAtTarget', now),
              text('EventInstanceID', e.eventInstanceId),
              text('NamespaceID', 1),
              text('EventID', e.eventId),
              text('SourceID', 101),
              el('UpdateID', text('UpdateID', e.updateId), text('RevisionNumber', e.revisionNumber)),
              text('Win32HResult', e.win32HResult ?? 0),
              text('AppName', 'AutomaticUpdates'),
            ),
            el(
              'ExtendedData',
              el('ReplacementStrings'),
              el('MiscData'),
              text('ComputerBrand', 'Watershed Test'),
              text('ComputerModel', 'Simulated'),
              text('ProcessorArchitecture', 'Amd64Compatible'),
              el('OSVersion', text('Major', 10), text('Minor', 0), text('Build', 26200), text('Revision', 0), text('ServicePackMajor', 0), text('ServicePackMinor', 0)),
              text('OSLocaleID', 1033),
            ),
          ),
        ),
      ),
    ]);
    return textOf(result, 'ReportEventBatchResult') === 'true';
  }

  private cookieNode(): XmlNode {
    if (!this.cookie) throw new Error('no cookie yet: run the handshake first');
    return el('cookie', text('Expiration', this.cookie.expiration), text('EncryptedData', this.cookie.encryptedData));
  }

  private takeCookie(node: XmlElement | undefined): void {
    const expiration = textOf(node, 'Expiration');
    const encryptedData = textOf(node, 'EncryptedData');
    // Detached: the cookie is kept between calls, and a slice of the page would keep the page.
    if (expiration && encryptedData) this.cookie = { expiration: detached(expiration), encryptedData: detached(encryptedData) };
  }

  private async call(service: 'Client' | 'SimpleAuth' | 'Reporting', operation: string, children: readonly XmlNode[]): Promise<XmlElement> {
    const { url, ns } = ENDPOINTS[service];
    const body = envelope(ns, operation, children);
    const started = performance.now();
    const response = await (this.options.transport ?? fetchTransport)(
      `${this.baseUrl}${url}`,
      {
        'Content-Type': 'text/xml; charset=utf-8',
        SOAPAction: `"${ns}/${operation}"`,
        'User-Agent': USER_AGENT,
        ...(this.options.acceptXpress === false ? {} : { 'Accept-Encoding': 'xpress' }),
      },
      body,
    );
    let raw: Buffer = response.body;
    if (response.header('content-encoding') === 'xpress') raw = decompressXpress(raw);
    const xml = raw.toString('utf8');
    const serverTiming = response.header('server-timing') ?? '';
    const serverMs = /\bapp;dur=([\d.]+)/.exec(serverTiming)?.[1];
    const serverQueueMs = /\bqueue;dur=([\d.]+)/.exec(serverTiming)?.[1];
    this.timings.push({
      operation,
      ms: performance.now() - started,
      bytes: raw.length,
      ...(serverMs === undefined ? {} : { serverMs: Number(serverMs) }),
      ...(serverQueueMs === undefined ? {} : { serverQueueMs: Number(serverQueueMs) }),
    });
    if (response.status !== 200) {
      const fault = xml.includes('Fault') ? parseResponse(xml) : undefined;
      const errorCode = findDeep(fault, 'ErrorCode')?.text;
      throw new WuspFaultError(operation, response.status, errorCode, xml);
    }
    const envelopeElement = parseResponse(xml);
    const responseElement = kid(kid(envelopeElement, 'Body'), `${operation}Response`);
    if (!responseElement) throw new Error(`${operation}: no ${operation}Response in ${xml.slice(0, 300)}`);
    return responseElement;
  }
}

const ENDPOINTS = {
  Client: { url: '/ClientWebService/client.asmx', ns: CLIENT_NS },
  SimpleAuth: { url: '/SimpleAuthWebService/SimpleAuth.asmx', ns: SIMPLE_AUTH_NS },
  Reporting: { url: '/ReportingWebService/ReportingWebService.asmx', ns: REPORTING_NS },
} as const;

function readUpdateInfo(node: XmlElement): UpdateInfoSeen {
  const coreXml = textOf(node, 'Xml') ?? '';
  const identity = /<UpdateIdentity\s+UpdateID="([^"]+)"\s+RevisionNumber="(\d+)"/.exec(coreXml);
  const type = /<Properties\b[^>]*\bUpdateType="([A-Za-z]+)"/.exec(coreXml);
  return {
    revisionId: Number(textOf(node, 'ID')),
    isLeaf: textOf(node, 'IsLeaf') === 'true',
    deploymentAction: textOf(node, 'Deployment', 'Action'),
    deadline: textOf(node, 'Deployment', 'Deadline'),
    updateId: identity?.[1]?.toLowerCase(),
    revisionNumber: identity?.[2] === undefined ? undefined : Number(identity[2]),
    updateType: type?.[1],
    hardwareIds: kids(path(node, 'Deployment', 'HardwareIds'), 'string').map((h) => h.text),
    coreXml,
  };
}

const optionalDetached = (s: string | undefined): string | undefined => (s === undefined ? undefined : detached(s));

/** Four-part version → the 64-bit integer Windows sends as DriverVerVersion. */
function packedVersion(version: string): string {
  return version
    .split('.')
    .reduce((n, part) => (n << 16n) | BigInt(Number(part) & 0xffff), 0n)
    .toString();
}

/**
 * `<SystemSpec>` of these devices, written once per device list: a computer sends the same one in
 * every driver pass, and simulated computers share the catalog's few device lists.
 */
const writtenSystemSpecs = new WeakMap<readonly SimulatedDevice[], string>();
function systemSpecNode(devices: readonly SimulatedDevice[]): XmlNode {
  let written = writtenSystemSpecs.get(devices);
  if (written === undefined) {
    written = write(el('SystemSpec', ...devices.map(deviceNode)));
    writtenSystemSpecs.set(devices, written);
  }
  return written;
}

function deviceNode(d: SimulatedDevice): XmlNode {
  const children: XmlNode[] = [el('HardwareIDs', ...d.hardwareIds.map((h) => text('string', h)))];
  if (d.compatibleIds?.length) children.push(el('CompatibleIDs', ...d.compatibleIds.map((h) => text('string', h))));
  const i = d.installedDriver;
  if (i) {
    const driver: XmlNode[] = [text('MatchingID', i.matchingId), text('DriverVerDate', `${i.driverVerDate}T00:00:00Z`), text('DriverVerVersion', packedVersion(i.driverVerVersion))];
    if (i.class !== undefined) driver.push(text('Class', i.class));
    if (i.manufacturer !== undefined) driver.push(text('Manufacturer', i.manufacturer));
    if (i.provider !== undefined) driver.push(text('Provider', i.provider));
    if (i.model !== undefined) driver.push(text('Model', i.model));
    if (i.matchingComputerHwid !== undefined) driver.push(text('MatchingComputerHWID', i.matchingComputerHwid));
    driver.push(text('DriverRank', i.driverRank ?? -1));
    children.push(el('installedDriver', ...driver));
  }
  if (d.driverRecoveryIds?.length) children.push(el('DriverRecoveryIDs', ...d.driverRecoveryIds.map((id) => text('DriverRecoveryID', id))));
  if (d.deviceFlags !== undefined) children.push(text('DeviceFlags', d.deviceFlags));
  return el('Device', ...children);
}

function findDeep(node: XmlElement | undefined, name: string): XmlElement | undefined {
  if (!node) return undefined;
  if (node.name === name) return node;
  for (const child of node.children) {
    const found = findDeep(child, name);
    if (found) return found;
  }
  return undefined;
}

/** The page SyncUpdates and SyncPrinterCatalog both answer (SyncInfo). */
function readSyncPage(info: XmlElement | undefined): SyncPage {
  return {
    newUpdates: kids(kid(info, 'NewUpdates'), 'UpdateInfo').map(readUpdateInfo),
    changedUpdates: kids(kid(info, 'ChangedUpdates'), 'UpdateInfo').map(readUpdateInfo),
    outOfScope: kids(kid(info, 'OutOfScopeRevisionIDs'), 'int').map((i) => Number(i.text)),
    truncated: textOf(info, 'Truncated') === 'true',
    driverSyncNotNeeded: textOf(info, 'DriverSyncNotNeeded'),
  };
}
