import { createHash } from 'node:crypto';
import { type Catalog, type CatalogItem, fileContent } from '../support/catalog/catalog-generator.js';
import { round } from './stats.js';

/** The admin API as the bench uses it: bearer token, JSON, any non-2xx is a failure of the run. */
export class AdminApi {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  async call<T>(method: string, url: string, body?: unknown, okStatuses: readonly number[] = [200, 201]): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.baseUrl}${url}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!okStatuses.includes(response.status)) throw new Error(`${method} ${url}: HTTP ${response.status} ${text.slice(0, 400)}`);
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }
}

export interface CatalogLoadResult {
  readonly documents: number;
  readonly importSeconds: number;
  readonly documentsPerSecond: number;
  readonly megabytesImported: number;
  readonly approvals: number;
  readonly approvalSeconds: number;
  /**
   * Documents too big to send inline (the giant one: its JSON body would pass the 8 MiB HTTP body
   * limit), streamed to `PUT /api/v1/content/{sha256}` and then imported by reference, as the CLI does.
   */
  readonly uploadedDocuments: number;
  readonly groupIds: Record<string, string>;
}

/**
 * Documents per `POST /api/v1/updates/import-batch` request (1 = one `POST /api/v1/updates/import`
 * each, the single route). Batches also stop at BATCH_BYTES of JSON, under the 8 MiB body limit.
 */
export const DEFAULT_BATCH_DOCUMENTS = 250;
const BATCH_BYTES = 6 * 1024 * 1024;

/**
 * Approvals in flight at once. Each is one admin request (one update, one group: no two touch the
 * same approval, so their order does not change what is approved); at 100k there are ~26,000 and
 * one or a few at a time left the server waiting on PostgreSQL round trips for most of the load.
 */
export const APPROVAL_CONCURRENCY = 8;

type InlineFile = { fileName: string; sha1: string; contentBase64: string };

function inlineFiles(item: CatalogItem): InlineFile[] {
  return item.files.map((f) => ({ fileName: f.fileName, sha1: f.sha1Base64, contentBase64: fileContent(f).toString('base64') }));
}

function importBody(item: CatalogItem): { xml: string; source: 'imported'; files: InlineFile[] } {
  return { xml: item.xml, source: 'imported', files: inlineFiles(item) };
}

/**
 * The path `watershed updates import` takes for a document of tens of MB: its XML streamed to the
 * content store (PUT /api/v1/content/{sha256}), then imported by that hash with its files inline.
 */
async function uploadDocument(api: AdminApi, item: CatalogItem): Promise<{ documentSha256: string; source: 'imported'; files: InlineFile[] }> {
  const xmlBytes = Buffer.from(item.xml, 'utf8');
  const sha256 = createHash('sha256').update(xmlBytes).digest('hex');
  const upload = await fetch(`${api.baseUrl}/api/v1/content/${sha256}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/octet-stream' },
    body: xmlBytes,
  });
  const text = await upload.text();
  if (upload.status !== 201 && upload.status !== 200) throw new Error(`upload of ${item.kind} document ${item.updateId} (${xmlBytes.length} bytes): HTTP ${upload.status} ${text.slice(0, 400)}`);
  return { documentSha256: sha256, source: 'imported', files: inlineFiles(item) };
}

/** A document's share of a JSON import body: base64 files are 4/3 of the bytes, the XML JSON-escaped a little over its length. */
function inlineBytes(item: CatalogItem): number {
  return Math.ceil(Buffer.byteLength(item.xml) * 1.1) + item.files.reduce((n, f) => n + Math.ceil((f.size * 4) / 3) + 200, 0);
}

/** Too big for any JSON body under the server's limit: sent as an upload, then imported by its sha256. */
function needsUpload(item: CatalogItem): boolean {
  return inlineBytes(item) > BATCH_BYTES;
}

/**
 * Consecutive documents, in order, cut at `max` documents or BATCH_BYTES. A document too big to go
 * inline travels alone, by upload.
 */
function intoBatches(items: readonly CatalogItem[], max: number): CatalogItem[][] {
  const batches: CatalogItem[][] = [];
  let current: CatalogItem[] = [];
  let size = 0;
  for (const item of items) {
    if (needsUpload(item)) {
      if (current.length > 0) batches.push(current);
      current = [];
      size = 0;
      batches.push([item]);
      continue;
    }
    const itemBytes = inlineBytes(item);
    if (current.length > 0 && (current.length >= max || size + itemBytes > BATCH_BYTES)) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += itemBytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Feeds a generated catalog through the real admin API: imports in order (a dependency before its
 * dependants, a bundle's children before it) in batches (import-batch), a few requests in flight, then groups, targeting
 * mode and approvals. Throughput is measured here, since it bounds the catalog sizes we can build.
 */
export async function loadCatalog(
  api: AdminApi,
  catalog: Catalog,
  options: { concurrency: number; batchDocuments?: number; approvalConcurrency?: number; log?: (line: string) => void },
): Promise<CatalogLoadResult> {
  let uploadedDocuments = 0;
  let bytes = 0;
  const started = performance.now();
  // Documents of one kind never depend on each other except leaf → next revision, so import in waves.
  const waves: CatalogItem[][] = [];
  let current: CatalogItem[] = [];
  let kind: string | null = null;
  for (const item of catalog.items) {
    const waveKind = item.kind === 'bundle-child' || item.kind === 'giant' ? 'leaf' : item.kind;
    if (waveKind !== kind && current.length > 0) {
      waves.push(current);
      current = [];
    }
    kind = waveKind;
    current.push(item);
  }
  if (current.length > 0) waves.push(current);
  let done = 0;
  let lastLog = performance.now();
  const progress = (): void => {
    if (options.log && performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      options.log(`imported ${done}/${catalog.items.length} (${round(done / ((performance.now() - started) / 1000), 1)}/s)`);
    }
  };
  const batchDocuments = options.batchDocuments ?? DEFAULT_BATCH_DOCUMENTS;
  // Single imports: the waves, `concurrency` requests in flight within one. Batches: the catalog in
  // order, one request at a time (a batch is one transaction and PGlite runs one at a time anyway),
  // so a bundle's children and a revision's predecessor are always committed first.
  const rounds = batchDocuments <= 1 ? waves.map((wave) => ({ units: wave.map((item) => [item]), concurrency: options.concurrency })) : [{ units: intoBatches(catalog.items, batchDocuments), concurrency: 1 }];
  for (const { units, concurrency } of rounds) {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, units.length) }, async () => {
        while (next < units.length) {
          const unit = units[next++]!;
          if (unit.length > 1 || (unit.length === 1 && batchDocuments > 1 && !needsUpload(unit[0]!))) {
            const json = JSON.stringify({ documents: unit.map(importBody) });
            bytes += json.length;
            const response = await fetch(`${api.baseUrl}/api/v1/updates/import-batch`, {
              method: 'POST',
              headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
              body: json,
            });
            const text = await response.text();
            if (response.status !== 200) throw new Error(`import batch of ${unit.length} from ${unit[0]!.updateId}: HTTP ${response.status} ${text.slice(0, 400)}`);
            const created = (JSON.parse(text) as { results: { created: boolean }[] }).results.filter((r) => r.created).length;
            if (created !== unit.length) throw new Error(`import batch of ${unit.length}: only ${created} created`);
            done += unit.length;
            progress();
            continue;
          }
          const item = unit[0]!;
          let body: unknown;
          if (needsUpload(item)) {
            body = await uploadDocument(api, item);
            bytes += Buffer.byteLength(item.xml);
            uploadedDocuments += 1;
          } else body = importBody(item);
          const json = JSON.stringify(body);
          bytes += json.length;
          const response = await fetch(`${api.baseUrl}/api/v1/updates/import`, {
            method: 'POST',
            headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
            body: json,
          });
          const text = await response.text();
          if (response.status !== 201) throw new Error(`import ${item.kind} ${item.updateId}: HTTP ${response.status} ${text.slice(0, 400)}`);
          done += 1;
          progress();
        }
      }),
    );
  }
  const importSeconds = (performance.now() - started) / 1000;

  const groupIds: Record<string, string> = {};
  for (const group of catalog.groups) {
    const parentId = group.parent === null ? undefined : groupIds[group.parent];
    const created = await api.call<{ id: string }>('POST', '/api/v1/groups', { name: group.name, ...(parentId ? { parentId } : {}) });
    groupIds[group.name] = created.body.id;
  }
  await api.call('PUT', '/api/v1/configuration/targeting-mode', { mode: 'client-side' });
  const approvalsStarted = performance.now();
  let nextApproval = 0;
  const approvals = catalog.approvals;
  await Promise.all(
    Array.from({ length: Math.min(options.approvalConcurrency ?? APPROVAL_CONCURRENCY, approvals.length) }, async () => {
      while (nextApproval < approvals.length) {
        const a = approvals[nextApproval++]!;
        await api.call('POST', `/api/v1/updates/${a.updateId}/approvals`, { groupId: groupIds[a.group], action: a.action });
      }
    }),
  );
  const approvalSeconds = (performance.now() - approvalsStarted) / 1000;
  return {
    documents: done,
    importSeconds: round(importSeconds, 1),
    documentsPerSecond: round(done / importSeconds, 1),
    megabytesImported: round(bytes / 1024 / 1024, 1),
    approvals: approvals.length,
    approvalSeconds: round(approvalSeconds, 1),
    uploadedDocuments,
    groupIds,
  };
}
