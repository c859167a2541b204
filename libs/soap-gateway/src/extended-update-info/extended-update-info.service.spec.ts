import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_COMPUTERS_GROUP_ID } from '#contracts';
import { encodeWuspResponse, type GetExtendedUpdateInfoRequest } from '#wsus-codecs';
import { capturedUpdate, decodeNativeRequest, importCaptured, readNativeScan, SYNC_UPDATES_EXCHANGES, unescapeXml } from '../scan-index/testing/native-scan.catalog.js';
import { guid, ScanCatalogBuilder } from '../scan-index/testing/scan-catalog.builder.js';
import type { ScanIndexView } from '../scan-index/domain/scan-index.view.js';
import { LruCache } from './fragment-cache.js';
import { ExtendedUpdateInfoService } from './extended-update-info.service.js';
import type { FileLocationAnswer, FragmentsQuery, MetadataStoreClient, RevisionFragments, StoredFragment } from './metadata-store.client.js';

/** An in-memory metadata store answering like the real one (request order, unknown ids left out), counting calls. */
class InMemoryMetadataStore implements MetadataStoreClient {
  readonly fragmentQueries: FragmentsQuery[] = [];
  readonly fileQueries: string[][] = [];
  constructor(
    private readonly byRevision: ReadonlyMap<number, readonly StoredFragment[]>,
    private readonly paths: ReadonlyMap<string, string> = new Map(),
  ) {}

  async fragments(query: FragmentsQuery): Promise<readonly RevisionFragments[]> {
    this.fragmentQueries.push(query);
    return query.revisionIds
      .filter((id) => this.byRevision.has(id))
      .map((id) => ({ revisionId: id, fragments: this.byRevision.get(id)!.filter((f) => query.kinds.includes(f.kind)) }));
  }

  async fileLocations(sha1s: readonly string[]): Promise<readonly FileLocationAnswer[]> {
    this.fileQueries.push([...sha1s]);
    return sha1s.map((sha1) => ({ sha1, urlPath: this.paths.get(sha1) ?? null, size: null, exists: false, fileName: null, sha256: null }));
  }
}

const reader = (view: ScanIndexView) => ({ read: <T>(read: (v: ScanIndexView) => T): T => read(view) });
const client = { computerId: 'pc-1', cookieGroupIds: null };
const call = { contentBaseUrl: 'http://192.0.2.1:8530' };

describe('GetExtendedUpdateInfo against the captured native exchange (10)', () => {
  it('answers the captured request with the same bytes as WSUS', async () => {
    const catalog = new ScanCatalogBuilder();
    for (const exchange of SYNC_UPDATES_EXCHANGES) importCaptured(catalog, capturedUpdate(exchange));
    const wire = readNativeScan('10-GetExtendedUpdateInfo.response.xml');
    const stored = new Map<number, StoredFragment[]>();
    for (const m of wire.matchAll(/<Update><ID>(\d+)<\/ID><Xml>(.*?)<\/Xml><\/Update>/g)) {
      const xml = unescapeXml(m[2]!);
      const kind = xml.startsWith('<ExtendedProperties') ? 'Extended' : 'LocalizedProperties';
      stored.set(Number(m[1]), [...(stored.get(Number(m[1])) ?? []), { kind, locale: kind === 'Extended' ? null : 'en', geoId: null, xml }]);
    }
    const store = new InMemoryMetadataStore(stored);
    const service = new ExtendedUpdateInfoService(reader(catalog.view), store, {});
    const request = decodeNativeRequest('10-GetExtendedUpdateInfo', 'GetExtendedUpdateInfo').request as GetExtendedUpdateInfoRequest;

    const result = await service.getExtendedUpdateInfo(request, client, call);

    assert.equal(encodeWuspResponse({ operation: 'GetExtendedUpdateInfo', result }, { soapVersion: '1.1' }).body, wire);
    assert.deepEqual(store.fragmentQueries, [{ revisionIds: [72571, 108226, 108231], kinds: ['Extended', 'LocalizedProperties'], locales: ['en-US', 'en'] }]);
  });
});

describe('GetExtendedUpdateInfo / GetExtendedUpdateInfo2', () => {
  const SHA1_A = Buffer.from('a'.repeat(20)).toString('base64');
  const SHA1_B = Buffer.from('b'.repeat(20)).toString('base64');
  const catalog = (): ScanCatalogBuilder =>
    new ScanCatalogBuilder()
      .revision({ revisionId: 1, updateId: guid(1), type: 'Category' })
      .revision({
        revisionId: 2,
        updateId: guid(2),
        prerequisites: [[guid(1)]],
        files: [
          { sha1: SHA1_A, fileName: 'a.cab', size: 10 },
          { sha1: SHA1_B, fileName: 'b.exe', size: 20 },
        ],
      })
      .revision({ revisionId: 3, updateId: guid(3), bundled: [guid(4)], files: [{ sha1: SHA1_A, fileName: 'a.cab', size: 10 }] })
      .revision({ revisionId: 4, updateId: guid(4), files: [{ sha1: SHA1_B, fileName: 'b.exe', size: 20 }] })
      .revision({ revisionId: 5, updateId: guid(5) })
      .approve(guid(2), ALL_COMPUTERS_GROUP_ID)
      .approve(guid(3), ALL_COMPUTERS_GROUP_ID);
  const fragments = new Map<number, StoredFragment[]>(
    [1, 2, 3, 4, 5].map((id) => [
      id,
      [
        { kind: 'Extended', locale: null, geoId: null, xml: `<ExtendedProperties id="${id}" />` },
        { kind: 'LocalizedProperties', locale: 'en', geoId: null, xml: `<LocalizedProperties><Language>en</Language><Title>${id}</Title></LocalizedProperties>` },
      ],
    ]),
  );
  const paths = new Map([
    [SHA1_A, '/Content/61/6161616161616161616161616161616161616161.cab'],
    [SHA1_B, '/Content/62/6262626262626262626262626262626262626262.exe'],
  ]);
  const request = (revisionIds: number[], infoTypes: GetExtendedUpdateInfoRequest['infoTypes'] = ['Extended']): GetExtendedUpdateInfoRequest => ({
    cookie: { expiration: '2026-10-04T16:03:35.9967236Z' },
    revisionIds,
    infoTypes,
    locales: ['en-US', 'en'],
  });

  it('answers only revisions deployed to the client; unknown and undeployed ids are out of scope', async () => {
    const service = new ExtendedUpdateInfoService(reader(catalog().view), new InMemoryMetadataStore(fragments, paths), {});
    const result = await service.getExtendedUpdateInfo(request([2, 5, 999, 4]), client, call);
    assert.deepEqual(
      result.updates?.map((u) => u.id),
      [2, 4],
    );
    assert.deepEqual(result.outOfScopeRevisionIds, [5, 999]);
  });

  it('serves Core from the index, groups fragments by requested type, and lists each file once with its content URL', async () => {
    const store = new InMemoryMetadataStore(fragments, paths);
    const service = new ExtendedUpdateInfoService(reader(catalog().view), store, {});
    const result = await service.getExtendedUpdateInfo(request([3, 2, 4], ['LocalizedProperties', 'Core']), client, { contentBaseUrl: 'http://wsus.example:8530/' });
    assert.deepEqual(
      result.updates?.map((u) => [u.id, u.xml.slice(0, 20)]),
      [
        [3, '<LocalizedProperties'],
        [2, '<LocalizedProperties'],
        [4, '<LocalizedProperties'],
        [3, '<UpdateIdentity Upda'],
        [2, '<UpdateIdentity Upda'],
        [4, '<UpdateIdentity Upda'],
      ],
    );
    assert.deepEqual(store.fragmentQueries[0]?.kinds, ['LocalizedProperties']);
    assert.deepEqual(
      result.fileLocations?.map((f) => [Buffer.from(f.fileDigest).toString('base64'), f.url, f.fileDigestAlgorithm]),
      [
        [SHA1_A, 'http://wsus.example:8530/Content/61/6161616161616161616161616161616161616161.cab', undefined],
        [SHA1_B, 'http://wsus.example:8530/Content/62/6262626262626262626262626262626262626262.exe', undefined],
      ],
    );
  });

  it('asks the metadata store once for what a wave of clients requests', async () => {
    const store = new InMemoryMetadataStore(fragments, paths);
    const service = new ExtendedUpdateInfoService(reader(catalog().view), store, {});
    await service.getExtendedUpdateInfo(request([2, 3], ['Extended', 'LocalizedProperties']), client, call);
    const again = await service.getExtendedUpdateInfo(request([2, 3], ['Extended', 'LocalizedProperties']), client, call);
    assert.equal(store.fragmentQueries.length, 1);
    assert.equal(store.fileQueries.length, 1);
    assert.equal(again.updates?.length, 4);
    // Another locale list is another selection: LocalizedProperties are fetched again, Extended is not.
    await service.getExtendedUpdateInfo({ ...request([2], ['Extended', 'LocalizedProperties']), locales: ['de-DE'] }, client, call);
    assert.deepEqual(store.fragmentQueries[1], { revisionIds: [2], kinds: ['Extended', 'LocalizedProperties'], locales: ['de-DE'] });
  });

  it('GetExtendedUpdateInfo2 takes update identities and returns FileLocations only for FileUrl, with the digest algorithm', async () => {
    const service = new ExtendedUpdateInfoService(reader(catalog().view), new InMemoryMetadataStore(fragments, paths), {});
    const identities = [
      { updateId: guid(2).toUpperCase(), revisionNumber: 100 },
      { updateId: guid(2), revisionNumber: 7 },
    ];
    const base = { cookie: { expiration: 'x' }, updateIds: identities, locales: ['en'] };
    const withUrls = await service.getExtendedUpdateInfo2({ ...base, infoTypes: ['Extended', 'FileUrl'] }, client, call);
    assert.deepEqual(
      withUrls.updates?.map((u) => u.id),
      [2],
    );
    assert.deepEqual(
      withUrls.fileLocations?.map((f) => f.fileDigestAlgorithm),
      ['SHA1', 'SHA1'],
    );
    const without = await service.getExtendedUpdateInfo2({ ...base, infoTypes: ['Extended'] }, client, call);
    assert.equal(without.fileLocations, undefined);
  });
});

describe('LRU cache', () => {
  it('evicts the least recently used entry by count and by weight', () => {
    const cache = new LruCache<string, string>(2, 10, (v) => v.length);
    cache.set('a', 'aaa');
    cache.set('b', 'bbb');
    cache.get('a');
    cache.set('c', 'ccc');
    assert.deepEqual([cache.get('a'), cache.get('b'), cache.get('c')], ['aaa', undefined, 'ccc']);
    cache.set('d', 'dddddddd');
    assert.equal(cache.weight <= 10, true);
    assert.equal(cache.get('d'), 'dddddddd');
    cache.set('huge', 'x'.repeat(11));
    assert.equal(cache.get('huge'), undefined, 'heavier than the whole cache: served, never kept');
  });
});
