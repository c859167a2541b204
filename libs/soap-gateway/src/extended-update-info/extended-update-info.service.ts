import type {
  FileLocation,
  GetExtendedUpdateInfo2Request,
  GetExtendedUpdateInfo2Response,
  GetExtendedUpdateInfoRequest,
  GetExtendedUpdateInfoResponse,
  UpdateData,
  XmlUpdateFragmentType,
} from '#wsus-codecs';
import { coreXmlOf } from '../scan-index/domain/core-fragment.js';
import type { IndexedFile, RevisionEntry } from '../scan-index/domain/scan-index.state.js';
import type { ScanIndexView } from '../scan-index/domain/scan-index.view.js';
import {
  type ExtendedInfoClient,
  type ExtendedInfoPlan,
  planExtendedUpdateInfo,
  requestedStoreTypes,
  revisionIdsOf,
  type StoreFragmentType,
} from './domain/extended-update-info.plan.js';
import { LruCache } from './fragment-cache.js';
import type { MetadataStoreClient, StoredFragment } from './metadata-store.client.js';

/** Fragments kept in the gateway: enough for every revision a site's clients ask about in a day. */
export const DEFAULT_FRAGMENT_CACHE_ENTRIES = 50_000;
/** ~64 MiB of UTF-16 text at most, whatever the mix of small category and large update fragments. */
export const DEFAULT_FRAGMENT_CACHE_CHARS = 32 * 1024 * 1024;
export const DEFAULT_FILE_LOCATION_CACHE_ENTRIES = 100_000;

/** The unapproved-update policy is not here: it is configuration, read from the index snapshot. */
export interface ExtendedUpdateInfoSettings {
  readonly fragmentCacheEntries?: number;
  readonly fragmentCacheChars?: number;
  readonly fileLocationCacheEntries?: number;
}

export interface ExtendedInfoCall {
  /** `http://host:8530` (configured publicUrl, else the request's scheme and Host): FileLocation URLs are this + `/Content/…`. */
  readonly contentBaseUrl: string;
  readonly correlationId?: string;
}

/** Anything that can run a synchronous read on one index snapshot (the follower). */
export interface ScanIndexReader {
  read<T>(read: (view: ScanIndexView) => T): T;
}

/**
 * GetExtendedUpdateInfo (§3.1.5.9) and GetExtendedUpdateInfo2 (§2.2.2.2.10). Which revisions may be
 * answered comes from the scan index (one snapshot); Core comes from the index too; Extended,
 * LocalizedProperties and Eula from the metadata store over the bus, through a bounded LRU so a
 * wave of clients asking for the same revisions costs one bus call.
 */
export class ExtendedUpdateInfoService {
  private readonly fragments: LruCache<string, readonly StoredFragment[]>;
  private readonly urlPaths: LruCache<string, string>;

  constructor(
    private readonly index: ScanIndexReader,
    private readonly store: MetadataStoreClient,
    private readonly settings: ExtendedUpdateInfoSettings,
  ) {
    this.fragments = new LruCache(
      settings.fragmentCacheEntries ?? DEFAULT_FRAGMENT_CACHE_ENTRIES,
      settings.fragmentCacheChars ?? DEFAULT_FRAGMENT_CACHE_CHARS,
      (list) => 64 + list.reduce((sum, f) => sum + f.xml.length, 0),
    );
    this.urlPaths = new LruCache(settings.fileLocationCacheEntries ?? DEFAULT_FILE_LOCATION_CACHE_ENTRIES, Number.MAX_SAFE_INTEGER, () => 1);
  }

  async getExtendedUpdateInfo(request: GetExtendedUpdateInfoRequest, client: ExtendedInfoClient, call: ExtendedInfoCall): Promise<GetExtendedUpdateInfoResponse> {
    const plan = this.index.read((view) => planExtendedUpdateInfo(view, client, request.revisionIds, view.scanSettings.unapprovedPolicy));
    const updates = await this.updateData(plan.deployed, request.infoTypes, request.locales ?? [], call);
    const fileLocations = await this.fileLocations(plan, call, false);
    return {
      ...(updates.length > 0 ? { updates } : {}),
      ...(fileLocations.length > 0 ? { fileLocations } : {}),
      ...(plan.outOfScopeRevisionIds.length > 0 ? { outOfScopeRevisionIds: plan.outOfScopeRevisionIds } : {}),
    };
  }

  /**
   * The spec gives only the message syntax. Fragments as in GetExtendedUpdateInfo; FileLocations
   * only when FileUrl is asked for (WS2025 answered Extended+FileUrl with the locations), with
   * FileDigestAlgorithm (required by Windows 11 24H2 clients, <33>). Nothing we serve is encrypted,
   * so FileDecryption gets no entries.
   */
  async getExtendedUpdateInfo2(request: GetExtendedUpdateInfo2Request, client: ExtendedInfoClient, call: ExtendedInfoCall): Promise<GetExtendedUpdateInfo2Response> {
    const plan = this.index.read((view) => planExtendedUpdateInfo(view, client, revisionIdsOf(view, request.updateIds), view.scanSettings.unapprovedPolicy));
    const updates = await this.updateData(plan.deployed, request.infoTypes, request.locales ?? [], call);
    const fileLocations = request.infoTypes.includes('FileUrl') ? await this.fileLocations(plan, call, true) : [];
    return {
      ...(updates.length > 0 ? { updates } : {}),
      ...(fileLocations.length > 0 ? { fileLocations } : {}),
    };
  }

  /** One Update per (revision, fragment), grouped by requested type, revisions in request order (fixture 10). */
  private async updateData(revisions: readonly RevisionEntry[], infoTypes: readonly XmlUpdateFragmentType[], locales: readonly string[], call: ExtendedInfoCall): Promise<UpdateData[]> {
    const fromStore = await this.storeFragments(
      revisions.map((r) => r.revisionId),
      requestedStoreTypes(infoTypes),
      locales,
      call.correlationId,
    );
    const updates: UpdateData[] = [];
    const done = new Set<XmlUpdateFragmentType>();
    for (const type of infoTypes) {
      if (done.has(type)) continue;
      done.add(type);
      for (const revision of revisions) {
        if (type === 'Core') updates.push({ id: revision.revisionId, xml: coreXmlOf(revision) });
        else if (type === 'Extended' || type === 'LocalizedProperties' || type === 'Eula') {
          for (const fragment of fromStore.get(fragmentKey(revision.revisionId, type, locales)) ?? []) updates.push({ id: revision.revisionId, xml: fragment.xml });
        }
      }
    }
    return updates;
  }

  private async storeFragments(
    revisionIds: readonly number[],
    types: readonly StoreFragmentType[],
    locales: readonly string[],
    correlationId: string | undefined,
  ): Promise<Map<string, readonly StoredFragment[]>> {
    const found = new Map<string, readonly StoredFragment[]>();
    if (types.length === 0 || revisionIds.length === 0) return found;
    const missing: number[] = [];
    for (const id of revisionIds) {
      let complete = true;
      for (const type of types) {
        const key = fragmentKey(id, type, locales);
        const hit = this.fragments.get(key);
        if (hit === undefined) complete = false;
        else found.set(key, hit);
      }
      if (!complete) missing.push(id);
    }
    if (missing.length === 0) return found;
    const replies = await this.store.fragments({ revisionIds: missing, kinds: types, locales }, correlationId);
    for (const reply of replies) {
      for (const type of types) {
        const key = fragmentKey(reply.revisionId, type, locales);
        const list = reply.fragments.filter((f) => f.kind === type);
        // Cached even when empty (a revision without a Eula), so the miss is not asked again.
        this.fragments.set(key, list);
        found.set(key, list);
      }
    }
    return found;
  }

  /** One location per distinct file (observed A.4), in the order the revisions name them. */
  private async fileLocations(plan: ExtendedInfoPlan, call: ExtendedInfoCall, withAlgorithm: boolean): Promise<FileLocation[]> {
    if (plan.files.length === 0) return [];
    const missing = plan.files.filter((f) => this.urlPaths.get(f.sha1) === undefined).map((f) => f.sha1);
    if (missing.length > 0) {
      for (const answer of await this.store.fileLocations(missing, call.correlationId)) {
        if (answer.urlPath !== null) this.urlPaths.set(answer.sha1, answer.urlPath);
      }
    }
    const base = call.contentBaseUrl.replace(/\/+$/, '');
    const locations: FileLocation[] = [];
    for (const file of plan.files) {
      const path = this.urlPaths.get(file.sha1);
      if (path === undefined) continue;
      locations.push({ fileDigest: sha1Bytes(file), url: `${base}${path.startsWith('/') ? '' : '/'}${path}`, ...(withAlgorithm ? { fileDigestAlgorithm: 'SHA1' } : {}) });
    }
    return locations;
  }

  /** For the status page and tests. */
  get cachedFragments(): number {
    return this.fragments.size;
  }
}

function fragmentKey(revisionId: number, type: StoreFragmentType, locales: readonly string[]): string {
  // Localized fragments depend on the locale list the store selected them for; the others do not.
  return type === 'Extended' ? `${revisionId}|${type}` : `${revisionId}|${type}|${locales.map((l) => l.toLowerCase()).join(',')}`;
}

function sha1Bytes(file: IndexedFile): Uint8Array {
  return new Uint8Array(Buffer.from(file.sha1, 'base64'));
}
