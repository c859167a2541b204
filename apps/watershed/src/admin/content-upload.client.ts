import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { CliError, ExitCode } from '../exit-codes.js';
import { type AdminConnection, failedResponse } from './admin-http.client.js';
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
 * How uploads reach the server, through the operations `watershed content` declares (so the
 * coverage check sees them): whether a digest is held (HEAD), and the streamed PUT.
 */
export interface UploadTransport {
  probe(connection: AdminConnection, sha256: string): Promise<Response>;
  put(connection: AdminConnection, sha256: string, body: ReadableStream<Uint8Array>, length: number): Promise<Response>;
}

/**
 * Uploads one file: asks first whether the server holds its SHA-256 (then nothing is sent), else
 * streams it (PUT /api/v1/content/{sha256}, application/octet-stream) with a progress bar on a TTY.
 */
export async function uploadFile(connection: AdminConnection, transport: UploadTransport, file: string, json: boolean): Promise<UploadedContent & { readonly path: string }> {
  const local = await hashFile(file, json);
  const held = await transport.probe(connection, local.sha256);
  if (held.status === 200) {
    return { path: file, sha256: local.sha256, sha1: held.headers.get('x-content-sha1') ?? local.sha1, size: local.size, created: false };
  }
  if (held.status !== 404) await failedResponse(held);

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
  const response = await transport.put(connection, local.sha256, body, local.size);
  if (!response.ok) await failedResponse(response);
  bar.finish();
  const answer = (await response.json()) as UploadedContent;
  return { path: file, ...answer };
}
