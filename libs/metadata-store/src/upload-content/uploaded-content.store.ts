import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CodedError } from '#contracts';
import { MetadataErrorCodes } from '../metadata-store.errors.js';

/** Where uploads wait, by SHA-256, until a publish or import names them (inside contentDir: links never cross filesystems). */
export const UPLOADS_DIR = '.uploads';
/** Shared with ContentStore: temporary files being written. */
const INCOMING_DIR = '.incoming';

/**
 * A client that stops sending for this long is gone (a half-open connection, a suspended laptop):
 * the upload is aborted and its temporary file removed instead of holding a socket and a file forever.
 * Two minutes outlasts any TCP retransmission backoff on a live link.
 */
export const DEFAULT_UPLOAD_STALL_MS = 120_000;

/**
 * How much of an oversized body is read and dropped before the connection is cut: enough that a
 * client a little over the limit reads a clean 413, bounded so nobody streams gigabytes into it.
 */
export const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

export const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface UploadedFile {
  /** Lower-case hex. */
  readonly sha256: string;
  /** Base64, as update metadata writes it. */
  readonly sha1: string;
  readonly size: number;
}

export interface HeldUploadFile {
  readonly sha256: string;
  readonly path: string;
  readonly size: number;
  /** When the bytes were written (the rename into `.uploads/` and links keep the time). */
  readonly writtenAt: string;
  readonly inode: string;
  readonly links: number;
}

export interface ReceiveLimits {
  readonly maxBytes: number;
  readonly stallMs?: number;
}

/**
 * Uploaded bytes, content-addressed by SHA-256 under `<contentDir>/.uploads/<hex>`. A body is
 * streamed to a temporary file in `.incoming/` while SHA-256 and SHA-1 are computed, never held in
 * memory; only when the SHA-256 matches the name the client gave is the file renamed into place.
 * Any refusal or broken connection removes the temporary file, so nothing partial is ever visible.
 * Publishing links (not copies) the file into its WSUS content path (`XX/<SHA1>.<ext>`, ContentStore).
 */
export class UploadedContentStore {
  constructor(readonly contentDir: string) {}

  pathOf(sha256Hex: string): string {
    if (!SHA256_HEX.test(sha256Hex)) throw new RangeError(`not a lower-case hex SHA-256: ${sha256Hex.slice(0, 80)}`);
    return path.join(this.contentDir, UPLOADS_DIR, sha256Hex);
  }

  /** Size on disk, or null when no upload of that digest is held. */
  async sizeOf(sha256Hex: string): Promise<number | null> {
    try {
      const s = await stat(this.pathOf(sha256Hex));
      return s.isFile() ? s.size : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /**
   * Streams `body` to disk and keeps it under `expectedSha256` if that is what it hashes to.
   * Throws CONTENT.TOO_LARGE past `maxBytes`, CONTENT.DIGEST_MISMATCH, CONTENT.UPLOAD_ABORTED.
   */
  async receive(body: Readable, expectedSha256: string, limits: ReceiveLimits): Promise<UploadedFile> {
    const finalPath = this.pathOf(expectedSha256);
    // The body may break while the directories are made, before the pipeline listens: that error
    // must not go unhandled (the pipeline then sees a destroyed stream and rejects).
    body.on('error', () => undefined);
    const incoming = path.join(this.contentDir, INCOMING_DIR);
    await mkdir(incoming, { recursive: true });
    await mkdir(path.dirname(finalPath), { recursive: true });
    const tempPath = path.join(incoming, `${randomUUID()}.upload`);

    const sha1 = createHash('sha1');
    const sha256 = createHash('sha256');
    let size = 0;
    const stallMs = limits.stallMs ?? DEFAULT_UPLOAD_STALL_MS;
    const abort = new AbortController();
    let refusal: CodedError | null = null;
    const stop = (error: CodedError): void => {
      refusal ??= error;
      abort.abort(error);
    };
    let stall = setTimeout(() => stop(aborted(`no bytes for ${stallMs} ms`)), stallMs);
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        clearTimeout(stall);
        stall = setTimeout(() => stop(aborted(`no bytes for ${stallMs} ms`)), stallMs);
        size += chunk.length;
        if (size > limits.maxBytes) {
          // Read the rest and drop it, so the client gets a 413 instead of a reset connection;
          // past a bounded excess the connection is cut rather than drained for ever.
          refusal ??= tooLarge(limits.maxBytes);
          if (size > limits.maxBytes + MAX_DRAIN_BYTES) stop(refusal);
          done();
          return;
        }
        sha1.update(chunk);
        sha256.update(chunk);
        done(null, chunk);
      },
    });
    try {
      // A client that goes away mid-body makes the request stream error (or just close early).
      const closedEarly = new Promise<never>((_, reject) => {
        body.once('aborted', () => reject(aborted('the client closed the connection before the end of the body')));
      });
      closedEarly.catch(() => undefined);
      await Promise.race([pipeline(body, hashing, createWriteStream(tempPath, { flags: 'wx' }), { signal: abort.signal }), closedEarly]);
      if (refusal !== null) throw refusal;
      if (!body.readableEnded) throw aborted('the body ended before it was complete');
      const handle = await open(tempPath, 'r+');
      try {
        // Durable before it gets its final name: after a crash an upload holds all of its bytes.
        await handle.sync();
      } finally {
        await handle.close();
      }
      const actual = sha256.digest('hex');
      if (actual !== expectedSha256) {
        throw new CodedError(MetadataErrorCodes.DigestMismatch, `the bytes hash to SHA-256 ${actual}, not ${expectedSha256} as the URL names them`, {
          expected: expectedSha256,
          actual,
        });
      }
      await rename(tempPath, finalPath);
      return { sha256: expectedSha256, sha1: sha1.digest('base64'), size };
    } catch (error) {
      await removeQuietly(tempPath);
      if (refusal !== null) throw refusal;
      if (error instanceof CodedError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (error as Error).message === 'aborted') {
        throw aborted('the client closed the connection before the end of the body');
      }
      throw error;
    } finally {
      clearTimeout(stall);
    }
  }

  /**
   * Temporary upload files a crashed process left behind (`.incoming/*.upload`). Only those not
   * written for longer than the stall timeout: a live upload, by this or another replica on the same
   * volume, touches its file more often than that, or is aborted itself.
   */
  async removeAbandoned(now: number, olderThanMs = DEFAULT_UPLOAD_STALL_MS): Promise<string[]> {
    const incoming = path.join(this.contentDir, INCOMING_DIR);
    const removed: string[] = [];
    let names: string[];
    try {
      names = await readdir(incoming);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return removed;
      throw error;
    }
    for (const name of names.filter((n) => n.endsWith('.upload'))) {
      const file = path.join(incoming, name);
      const s = await stat(file).catch(() => null);
      if (s === null || now - s.mtimeMs <= olderThanMs) continue;
      await removeQuietly(file);
      removed.push(name);
    }
    return removed;
  }

  /** Every upload held, with when its bytes were written and its inode (shared with the content paths it is linked to). */
  async list(): Promise<HeldUploadFile[]> {
    let names: string[];
    try {
      names = await readdir(path.join(this.contentDir, UPLOADS_DIR));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const held: HeldUploadFile[] = [];
    for (const name of names.filter((n) => SHA256_HEX.test(n)).sort()) {
      const s = await stat(this.pathOf(name)).catch(() => null);
      if (s === null || !s.isFile()) continue;
      held.push({ sha256: name, path: this.pathOf(name), size: s.size, writtenAt: s.mtime.toISOString(), inode: `${s.dev}:${s.ino}`, links: s.nlink });
    }
    return held;
  }

  /** Removes the upload; false when there was none. */
  async remove(sha256Hex: string): Promise<boolean> {
    try {
      await unlink(this.pathOf(sha256Hex));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }
}

export function tooLarge(maxBytes: number): CodedError {
  return new CodedError(MetadataErrorCodes.TooLarge, `the upload is larger than the limit of ${maxBytes} bytes (WATERSHED_UPLOAD_MAX_BYTES)`, { maxBytes });
}

function aborted(reason: string): CodedError {
  return new CodedError(MetadataErrorCodes.UploadAborted, `upload aborted: ${reason}; nothing was stored`);
}

async function removeQuietly(file: string): Promise<void> {
  await unlink(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}
