import { CLIENT_NS, decompressXpress, type XmlElement } from '#wsus-codecs';
import { type RefreshCacheAnswer, type WindowsUpdateAgentClient, WuspFaultError } from '../wua-client/wua-client.js';
import { el, envelope, kid, kids, parseResponse, text, textOf, type XmlNode } from '../wua-client/wua-xml.js';

/**
 * What scenario tests need beyond the WUA test client: the admin REST API, RefreshCache (the client
 * pointed to a new server, MS-WSUSOD 3.6) and raw calls with a cookie of the test's choosing.
 */

export interface AdminReply<T = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: T;
}

export class AdminApi {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /**
   * One admin request, answered whatever its status: `body` is the parsed JSON (null when empty or
   * not JSON), `text` the raw answer. A string body is sent as is; `auth: false` sends no token.
   */
  async call<T = any>(method: string, url: string, body?: unknown, options: { auth?: boolean } = {}): Promise<AdminReply<T>> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const response = await fetch(`${this.baseUrl}${url}`, {
      method,
      headers: { ...(options.auth === false ? {} : { authorization: `Bearer ${this.token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = null;
    }
    return { status: response.status, headers: response.headers, text, body: parsed as T };
  }

  /** A 2xx or a thrown error naming what the server said. */
  async ok<T>(method: string, url: string, body?: unknown): Promise<T> {
    const r = await this.call<T>(method, url, body);
    if (r.status < 200 || r.status > 299) throw new Error(`${method} ${url}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async importDocument(xml: string, files: { fileName: string; contentBase64: string }[] = []): Promise<number> {
    const reply = await this.ok<{ revisionId: number }>('POST', '/api/v1/updates/import', { xml, source: 'imported', ...(files.length > 0 ? { files } : {}) });
    return reply.revisionId;
  }

  approve(updateId: string, groupId: string, action: string, deadline?: string): Promise<unknown> {
    return this.ok('POST', `/api/v1/updates/${updateId}/approvals`, { groupId, action, ...(deadline === undefined ? {} : { deadline }) });
  }

  unapprove(updateId: string, groupId: string): Promise<unknown> {
    return this.ok('DELETE', `/api/v1/updates/${updateId}/approvals?groupId=${groupId}`);
  }

  decline(updateId: string): Promise<unknown> {
    return this.ok('POST', `/api/v1/updates/${updateId}/decline`, {});
  }
}

/** The client's cookie, read and replaced: a test stands in for a client that kept an old one. */
type CookieHolder = { cookie: { expiration: string; encryptedData: string } | null };

export function setClientCookie(client: WindowsUpdateAgentClient, cookie: { expiration: string; encryptedData: string } | null): void {
  (client as unknown as CookieHolder).cookie = cookie;
}

/** One SOAP call to client.asmx; a fault becomes WuspFaultError, as in the WUA client. */
export async function callClientService(baseUrl: string, operation: string, children: readonly XmlNode[]): Promise<XmlElement> {
  const response = await fetch(`${baseUrl}/ClientWebService/client.asmx`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"${CLIENT_NS}/${operation}"`, 'Accept-Encoding': 'xpress' },
    body: envelope(CLIENT_NS, operation, children),
  });
  let raw: Buffer = Buffer.from(await response.arrayBuffer());
  if (response.headers.get('content-encoding') === 'xpress') raw = decompressXpress(raw);
  const xml = raw.toString('utf8');
  if (response.status !== 200) throw new WuspFaultError(operation, response.status, /<ErrorCode>([^<]+)<\/ErrorCode>/.exec(xml)?.[1], xml);
  const body = kid(parseResponse(xml), 'Body');
  const result = kid(body, `${operation}Response`);
  if (!result) throw new Error(`${operation}: no response element in ${xml.slice(0, 300)}`);
  return result;
}

export type { RefreshCacheAnswer };

/** RefreshCache (MS-WUSP §3.1.5.8) with the client's cookie: the server's RevisionIDs for the GlobalIDs it still deploys. */
export async function refreshCache(client: WindowsUpdateAgentClient, identities: readonly { updateId: string; revisionNumber: number }[]): Promise<RefreshCacheAnswer[]> {
  const cookie = client.currentCookie;
  if (!cookie) throw new Error('RefreshCache needs a cookie');
  const result = await callClientService(client.baseUrl, 'RefreshCache', [
    el('cookie', text('Expiration', cookie.expiration), text('EncryptedData', cookie.encryptedData)),
    el('globalIDs', ...identities.map((i) => el('UpdateIdentity', text('UpdateID', i.updateId), text('RevisionNumber', i.revisionNumber)))),
  ]);
  return kids(kid(result, 'RefreshCacheResult'), 'RefreshCacheResult').map((r) => ({
    revisionId: Number(textOf(r, 'RevisionID')),
    updateId: (textOf(r, 'GlobalID', 'UpdateID') ?? '').toLowerCase(),
    revisionNumber: Number(textOf(r, 'GlobalID', 'RevisionNumber')),
    isLeaf: textOf(r, 'IsLeaf') === 'true',
    deploymentAction: textOf(r, 'Deployment', 'Action'),
  }));
}

/**
 * What WUA does with RefreshCache's answer: cached entries the new server named are re-keyed to its
 * RevisionIDs; the others keep their old ids until SyncUpdates puts them out of scope.
 */
export function applyRefreshCache(client: WindowsUpdateAgentClient, answers: readonly RefreshCacheAnswer[]): void {
  client.applyRefreshCache(answers);
}


/** Runs `call`; returns the fault's ErrorCode, or throws when it did not fault. */
export async function faultOf(call: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await call();
  } catch (error) {
    if (error instanceof WuspFaultError) return error.errorCode;
    throw error;
  }
  throw new Error('expected a SOAP fault, the call succeeded');
}

export interface CategoryScanPage {
  readonly newUpdates: { revisionId: number; updateId: string | undefined; isLeaf: boolean; deploymentAction: string | undefined; updateType: string | undefined }[];
  readonly changedIds: number[];
  readonly outOfScope: number[];
  readonly deployedOutOfScope: number[];
  readonly truncated: boolean;
}

/**
 * One SyncUpdates of a category scan as the native client sends it after StartCategoryScan
 * (fixtures 06–08): FilterCategoryIds and NeedTwoGroupOutOfScopeUpdates=true, with the client's
 * cache; the NewCookie replaces the client's cookie.
 */
export async function categoryScanPage(client: WindowsUpdateAgentClient, categoryIds: readonly string[]): Promise<CategoryScanPage> {
  const cookie = client.currentCookie;
  if (!cookie) throw new Error('no cookie');
  const parameters: XmlNode[] = [text('ExpressQuery', false)];
  if (client.installedNonLeaf.size > 0) parameters.push(el('InstalledNonLeafUpdateIDs', ...[...client.installedNonLeaf].map((id) => text('int', id))));
  if (client.otherCached.size > 0) parameters.push(el('OtherCachedUpdateIDs', ...[...client.otherCached].map((id) => text('int', id))));
  parameters.push(text('SkipSoftwareSync', false));
  parameters.push(el('FilterCategoryIds', ...categoryIds.map((id) => el('CategoryIdentifier', text('Id', id)))));
  parameters.push(text('NeedTwoGroupOutOfScopeUpdates', true));
  const result = await callClientService(client.baseUrl, 'SyncUpdates', [
    el('cookie', text('Expiration', cookie.expiration), text('EncryptedData', cookie.encryptedData)),
    el('parameters', ...parameters),
  ]);
  const info = kid(result, 'SyncUpdatesResult');
  const newCookie = kid(info, 'NewCookie');
  setClientCookie(client, { expiration: textOf(newCookie, 'Expiration') ?? '', encryptedData: textOf(newCookie, 'EncryptedData') ?? '' });
  const ints = (name: string) => kids(kid(info, name), 'int').map((i) => Number(i.text));
  return {
    newUpdates: kids(kid(info, 'NewUpdates'), 'UpdateInfo').map((u) => {
      const xml = textOf(u, 'Xml') ?? '';
      return {
        revisionId: Number(textOf(u, 'ID')),
        updateId: /<UpdateIdentity\s+UpdateID="([^"]+)"/.exec(xml)?.[1]?.toLowerCase(),
        isLeaf: textOf(u, 'IsLeaf') === 'true',
        deploymentAction: textOf(u, 'Deployment', 'Action'),
        updateType: /<Properties\b[^>]*\bUpdateType="([A-Za-z]+)"/.exec(xml)?.[1],
      };
    }),
    changedIds: kids(kid(info, 'ChangedUpdates'), 'UpdateInfo').map((u) => Number(textOf(u, 'ID'))),
    outOfScope: ints('OutOfScopeRevisionIDs'),
    deployedOutOfScope: ints('DeployedOutOfScopeRevisionIds'),
    truncated: textOf(info, 'Truncated') === 'true',
  };
}

/** The category-scan loop: like the software pass, filtered; `installed` decides non-leaf evaluation. */
export async function categoryScan(client: WindowsUpdateAgentClient, categoryIds: readonly string[], installed: (u: CategoryScanPage['newUpdates'][number]) => boolean): Promise<CategoryScanPage[]> {
  const pages: CategoryScanPage[] = [];
  for (let call = 0; call < 100; call += 1) {
    const page = await categoryScanPage(client, categoryIds);
    pages.push(page);
    for (const id of page.outOfScope) {
      client.cache.delete(id);
      client.installedNonLeaf.delete(id);
      client.otherCached.delete(id);
    }
    for (const u of page.newUpdates) {
      client.cache.set(u.revisionId, { revisionId: u.revisionId, isLeaf: u.isLeaf, deploymentAction: u.deploymentAction, deadline: undefined, updateId: u.updateId, revisionNumber: undefined, updateType: u.updateType, hardwareIds: [], coreXml: '' });
      if (!u.isLeaf && installed(u)) client.installedNonLeaf.add(u.revisionId);
      else client.otherCached.add(u.revisionId);
    }
    if (!page.truncated && !page.newUpdates.some((u) => !u.isLeaf)) return pages;
  }
  throw new Error('category scan did not finish');
}
