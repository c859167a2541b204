import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isUpdateMetadataError, readUpdateDocument } from '#wsus-codecs/update-metadata';
import { CliError, ExitCode } from '../exit-codes.js';
import { adminCalls, type AdminConnection, adminConnection, type AdminOperation } from './admin-http.client.js';
import { CONTENT_TRANSPORT } from './content.command.js';
import { localFile, uploadFile } from './content-upload.client.js';
import { printResult } from './output.js';
import { progressBar } from './progress-bar.js';

export const PUBLISH_USAGE = `updates publish --metadata FILE.json --file PATH [--file PATH…] [--eula LANG[/GEOID]=PATH…] [--eula-id GUID]
                                         publish a local update: FILE.json holds its metadata (the body of
                                         POST /api/v1/updates/publish without files: title, description,
                                         classification, applicability, installer…); each --file is
                                         uploaded streamed first, then published by its digest; each --eula
                                         adds license terms in a language (approval then needs --accept-eula)`;
export const IMPORT_USAGE = `updates import PATH… [--content DIR] [--source imported|published|synced] [--all-or-nothing]
                                         import WSUS update documents (each recorded as a synchronization
                                         run); the files they list are uploaded from DIR when found there,
                                         by file name or in the WSUS layout (XX/<SHA1>.<ext>). With
                                         --all-or-nothing the documents (up to 1000, with their files, 8 MiB
                                         in all) go in one request and one transaction: one refused
                                         document imports none of them (one synchronization run)`;

/** The admin API operations `watershed updates publish|import` call (with the content upload of `watershed content`). */
export const CATALOG_OPERATIONS = ['POST /api/v1/updates/publish', 'POST /api/v1/updates/import', 'POST /api/v1/updates/import-batch'] as const satisfies readonly AdminOperation[];

/** What one all-or-nothing request may carry: the server's batch bound and its 8 MiB body limit (less room for JSON). */
const BATCH_MAX_DOCUMENTS = 1000;
const BATCH_MAX_BODY_BYTES = 8 * 1024 * 1024 - 64 * 1024;
const call = adminCalls(CATALOG_OPERATIONS);

interface PublishReply {
  updateId: string;
  revisionNumber: number;
  revisionId: number;
}

interface ImportReply {
  revisionId: number;
  updateId: string;
  revisionNumber: number;
  created: boolean;
  change: string;
  storedFiles: string[];
  synchronizationId: string;
}

type Flags = Record<string, string | boolean | string[] | undefined>;

const list = (value: string | boolean | string[] | undefined): string[] => (Array.isArray(value) ? value : typeof value === 'string' ? [value] : []);

export async function publishCommand(flags: Flags): Promise<void> {
  const json = flags.json === true;
  if (typeof flags.metadata !== 'string') throw new CliError(ExitCode.Usage, `updates publish needs --metadata FILE.json\n\n${PUBLISH_USAGE}`);
  const files = list(flags.file);
  if (files.length === 0) throw new CliError(ExitCode.Usage, `updates publish needs at least one --file PATH\n\n${PUBLISH_USAGE}`);
  const eulas = list(flags.eula).map(parseEulaFlag);
  const metadata = await readMetadata(flags.metadata);
  // Every path is checked before anything is sent: a typo should not leave half a package uploaded.
  for (const file of [...files, ...eulas.map((e) => e.path)]) await localFile(file);
  const connection = adminConnection(flags as Record<string, string | boolean | undefined>);

  const uploaded = [];
  for (const file of files) uploaded.push(await uploadFile(connection, CONTENT_TRANSPORT, file, json));
  const eulaFiles = [];
  for (const e of eulas) {
    const u = await uploadFile(connection, CONTENT_TRANSPORT, e.path, json);
    eulaFiles.push({ language: e.language, ...(e.geoId === undefined ? {} : { geoId: e.geoId }), fileName: path.basename(e.path), sha256: u.sha256 });
  }
  const body = {
    ...metadata,
    files: uploaded.map((u) => ({ fileName: path.basename(u.path), sha256: u.sha256 })),
    ...(eulaFiles.length === 0 ? {} : { eula: { ...(typeof flags['eula-id'] === 'string' ? { eulaId: flags['eula-id'] } : {}), files: eulaFiles } }),
  };
  const { body: published } = await call.json<PublishReply>(connection, 'POST /api/v1/updates/publish', { body });
  printResult(json, published, {
    headers: ['UPDATE', 'REVISION', 'REVISION ID', 'FILES'],
    rows: [[published.updateId, String(published.revisionNumber), String(published.revisionId), uploaded.map((u) => path.basename(u.path)).join(',')]],
  });
}

export async function importCommand(paths: string[], flags: Flags): Promise<void> {
  const json = flags.json === true;
  if (paths.length === 0) throw new CliError(ExitCode.Usage, `updates import needs at least one PATH\n\n${IMPORT_USAGE}`);
  const source = typeof flags.source === 'string' ? flags.source : 'imported';
  if (!['imported', 'published', 'synced'].includes(source)) throw new CliError(ExitCode.Usage, `--source must be imported, published or synced, got ${JSON.stringify(source)}`);
  const contentDir = typeof flags.content === 'string' ? flags.content : null;
  if (contentDir !== null && !existsSync(contentDir)) throw new CliError(ExitCode.Usage, `--content ${contentDir}: no such directory`);
  for (const p of paths) await localFile(p);
  const connection = adminConnection(flags as Record<string, string | boolean | undefined>);
  if (flags['all-or-nothing'] === true) return importAllOrNothing(connection, paths, contentDir, source, json);

  const results: (ImportReply & { path: string })[] = [];
  const failures: { path: string; error: CliError }[] = [];
  // With several documents the per-file bars would scroll by; one bar counts documents instead.
  const many = paths.length > 1;
  const bar = progressBar(process.stderr, 'importing', paths.length, { json, unit: 'items' });
  for (const [i, documentPath] of paths.entries()) {
    try {
      results.push({ path: documentPath, ...(await importOne(connection, documentPath, contentDir, source, json || many)) });
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      failures.push({ path: documentPath, error });
      // Unreachable server or bad token: every other document would fail the same way.
      if (error.exitCode === ExitCode.Unavailable || error.exitCode === ExitCode.Unauthorized) break;
    }
    bar.update(i + 1);
  }
  bar.finish();
  printImports(json, results, failures.map((f) => ({ path: f.path, message: f.error.message })));
  if (failures.length > 0) {
    const first = failures[0]!;
    throw new CliError(first.error.exitCode, failures.map((f) => `${f.path}: ${f.error.message}`).join('\n'));
  }
}

/**
 * One request to the batch route: every document with its files inline, imported in one transaction.
 * For scripts that fill a catalog and want "all of these or none" (and for speed: one round trip and one
 * transaction instead of one per document). Bounded by the server's body limit, so it is refused here,
 * before sending, when the documents and files would not fit.
 */
async function importAllOrNothing(connection: AdminConnection, paths: string[], contentDir: string | null, source: string, json: boolean): Promise<void> {
  if (paths.length > BATCH_MAX_DOCUMENTS) throw new CliError(ExitCode.Usage, `--all-or-nothing takes at most ${BATCH_MAX_DOCUMENTS} documents, got ${paths.length}`);
  let bytes = 0;
  const documents = [];
  for (const documentPath of paths) {
    const xml = (await readFile(documentPath, 'utf8')).replace(/^\uFEFF/, '');
    const files: { fileName: string; sha1: string; contentBase64: string }[] = [];
    for (const f of contentDir === null ? [] : declaredFiles(xml)) {
      const found = findContent(contentDir!, f.fileName, f.sha1);
      if (found === null || files.some((x) => x.sha1 === f.sha1)) continue;
      const content = await readFile(found);
      bytes += Math.ceil(content.length / 3) * 4;
      files.push({ fileName: f.fileName, sha1: f.sha1, contentBase64: content.toString('base64') });
    }
    bytes += Buffer.byteLength(xml);
    if (bytes > BATCH_MAX_BODY_BYTES) {
      throw new CliError(ExitCode.Usage, `--all-or-nothing: the documents and their files exceed one request (8 MiB) at ${documentPath}; import fewer at a time, or without --all-or-nothing (files are then streamed)`);
    }
    documents.push({ xml, source, files });
  }
  const { body } = await call.json<{ results: Omit<ImportReply, 'synchronizationId'>[]; synchronizationId: string }>(connection, 'POST /api/v1/updates/import-batch', { body: { documents } });
  const imports = body.results.map((r, i) => ({ path: paths[i]!, ...r, synchronizationId: body.synchronizationId }));
  printImports(json, imports, []);
}

/** The imports as a table (one row per document) or, with --json, `{imports, failures}`. */
function printImports(json: boolean, imports: (ImportReply & { path: string })[], failures: { path: string; message: string }[]): void {
  printResult(json, { imports, failures }, {
    headers: ['DOCUMENT', 'UPDATE', 'REVISION', 'REVISION ID', 'CHANGE', 'FILES STORED'],
    rows: imports.map((r) => [r.path, r.updateId, String(r.revisionNumber), String(r.revisionId), r.change, String(r.storedFiles.length)]),
  });
}

/** The files a document lists (its installers and its license texts); none when the CLI cannot read it — the server judges documents. */
function declaredFiles(xml: string): { fileName: string; sha1: string }[] {
  try {
    const { summary } = readUpdateDocument(xml);
    return [
      ...summary.files.map((f) => ({ fileName: f.fileName, sha1: f.digest.base64 })),
      ...summary.eulaFiles.flatMap((e) => (e.fileName !== undefined && e.digest !== undefined ? [{ fileName: e.fileName, sha1: e.digest.base64 }] : [])),
    ];
  } catch (error) {
    if (!isUpdateMetadataError(error)) throw error;
    return [];
  }
}

async function importOne(connection: AdminConnection, documentPath: string, contentDir: string | null, source: string, quiet: boolean): Promise<ImportReply> {
  const xml = await readFile(documentPath, 'utf8');
  // The server has the last word on documents; the CLI only needs the file list to upload.
  const declared = declaredFiles(xml.replace(/^\uFEFF/, ''));
  const document = await uploadFile(connection, CONTENT_TRANSPORT, documentPath, quiet);
  const files = [];
  const seen = new Set<string>();
  for (const f of declared) {
    if (contentDir === null || seen.has(f.sha1)) continue;
    const found = findContent(contentDir, f.fileName, f.sha1);
    if (found === null) continue;
    seen.add(f.sha1);
    const u = await uploadFile(connection, CONTENT_TRANSPORT, found, quiet);
    files.push({ fileName: f.fileName, sha1: f.sha1, sha256: u.sha256 });
  }
  const { body } = await call.json<ImportReply>(connection, 'POST /api/v1/updates/import', { body: { documentSha256: document.sha256, source, files } });
  return body;
}

/** `DIR/<file name>`, or where WSUS keeps it: `DIR/<last two hex>/<SHA1 hex>.<ext>`. */
function findContent(dir: string, fileName: string, sha1: string): string | null {
  const byName = path.join(dir, path.basename(fileName.replace(/\\/g, '/')));
  if (existsSync(byName)) return byName;
  const raw = Buffer.from(sha1, 'base64');
  if (raw.length !== 20) return null;
  const hex = raw.toString('hex').toUpperCase();
  const ext = path.extname(fileName);
  for (const candidate of [path.join(dir, hex.slice(-2), `${hex}${ext}`), path.join(dir, hex.slice(-2).toLowerCase(), `${hex.toLowerCase()}${ext}`)]) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

function parseEulaFlag(value: string): { language: string; geoId?: string; path: string } {
  const match = /^([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)(?:\/([A-Z]{3}))?=(.+)$/.exec(value);
  if (!match) throw new CliError(ExitCode.Usage, `--eula must be LANG=PATH or LANG/GEOID=PATH (e.g. en=license.txt, de/DEU=lizenz.txt), got ${JSON.stringify(value)}`);
  return { language: match[1]!, ...(match[2] === undefined ? {} : { geoId: match[2] }), path: match[3]! };
}

async function readMetadata(file: string): Promise<Record<string, unknown>> {
  await localFile(file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CliError(ExitCode.Usage, `--metadata ${file}: not JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CliError(ExitCode.Usage, `--metadata ${file}: expected a JSON object`);
  if ('files' in parsed) throw new CliError(ExitCode.Usage, `--metadata ${file}: give the files with --file, not in the metadata`);
  return parsed as Record<string, unknown>;
}
