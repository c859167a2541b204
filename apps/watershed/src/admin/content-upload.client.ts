import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { CliError, ExitCode } from '../exit-codes.js';
import type { AdminConnection } from './admin-http.client.js';
import { progressBar } from './progress-bar.js';

export interface UploadedContent {
  readonly sha256: string;
  readonly sha1: string;
  readonly size: number;
  /** False when the server held these bytes already (nothing was sent). */
  readonly created: boolean;
}

export interface LocalFile {
  readonly path: string;
  readonly size: number;
  /** Hex. */
  readonly sha256: string;
  /** Base64, as update metadata writes it. */
  readonly sha1: string;
}

/** A file the user named: it must exist and be a regular file, said plainly when not. */
export async function localFile(file: string): Promise<{ path: string; size: number }> {
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new CliError(ExitCode.Usage, `${file} is not a file`);
    return { path: file, size: s.size };
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(ExitCode.Usage, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Both digests in one streamed pass (the server addresses uploads by SHA-256; metadata uses SHA-1). */
export async function hashFile(file: string, json: boolean): Promise<LocalFile> {
  const { size } = await localFile(file);
  const sha1 = createHash('sha1');
  const sha256 = createHash('sha256');
  const bar = progressBar(process.stderr, `hashing ${path.basename(file)}`, size, { json });
  let done = 0;
  for await (const chunk of createReadStream(file)) {
    sha1.update(chunk as Buffer);
    sha256.update(chunk as Buffer);
    done += (chunk as Buffer).length;
    bar.update(done);
  }
  bar.finish();
  return { path: file, size, sha256: sha256.digest('hex'), sha1: sha1.digest('base64') };
}

/**
 * Uploads one file: asks first whether the server holds its SHA-256 (then nothing is sent), else
 * streams it (PUT /api/v1/content/{sha256}, application/octet-stream) with a progress bar on a TTY.
 */
export async function uploadFile(connection: AdminConnection, file: string, json: boolean): Promise<UploadedContent & { readonly path: string }> {
  const local = await hashFile(file, json);
  const url = `${connection.server}/api/v1/content/${local.sha256}`;
  const held = await send(connection, url, { method: 'HEAD' });
  if (held.status === 200) {
    return { path: file, sha256: local.sha256, sha1: held.headers.get('x-content-sha1') ?? local.sha1, size: local.size, created: false };
  }
  if (held.status !== 404) await failed(held, connection);

  const bar = progressBar(process.stderr, `uploading ${path.basename(file)}`, local.size, { json });
  let sent = 0;
  const counting = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sent += chunk.length;
      bar.update(sent);
      done(null, chunk);
    },
  });
  const body = Readable.toWeb(createReadStream(file).pipe(counting)) as ReadableStream<Uint8Array>;
  const response = await send(connection, url, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(local.size) },
    body,
    duplex: 'half',
  } as RequestInit);
  if (!response.ok) await failed(response, connection);
  bar.finish();
  const answer = (await response.json()) as UploadedContent;
  return { path: file, ...answer };
}

async function send(connection: AdminConnection, url: string, init: RequestInit): Promise<Response> {
  try {
    // No overall deadline: a large upload takes as long as the link needs (the server cuts stalls).
    return await fetch(url, { ...init, headers: { authorization: `Bearer ${connection.token}`, ...(init.headers as Record<string, string> | undefined) } });
  } catch (error) {
    const cause = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
    throw new CliError(ExitCode.Unavailable, `cannot reach ${connection.server}: ${cause}`);
  }
}

/** The admin API's error as a CLI error with the documented exit code. */
export async function failed(response: Response, _connection: AdminConnection): Promise<never> {
  const text = response.status === 0 || response.bodyUsed ? '' : await response.text().catch(() => '');
  let error: { code?: string; message?: string } | undefined;
  try {
    error = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
  } catch {
    error = undefined;
  }
  const message = `${error?.code ?? `HTTP ${response.status}`}: ${error?.message ?? (text.slice(0, 300) || response.statusText)}`;
  if (response.status === 401 || response.status === 403) throw new CliError(ExitCode.Unauthorized, message);
  if (response.status >= 400 && response.status < 500) throw new CliError(ExitCode.Refused, message);
  throw new CliError(ExitCode.Failure, message);
}
