import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { CodedError } from '#contracts';
import { MetadataErrorCodes } from '../metadata-store.errors.js';
import { canonicalSha1, canonicalSha256, contentRelativePath, sha1Hex } from './content-path.js';

/** What the update metadata says a file is: the bytes must match all of it. */
export interface ExpectedContent {
  readonly fileName: string;
  /** Base64 SHA-1 (`File/@Digest`). */
  readonly sha1: string;
  /** Base64 SHA-256 (`AdditionalDigest Algorithm="SHA256"`), when the metadata has one. */
  readonly sha256: string | null;
  readonly size: number | null;
}

/**
 * The bytes, in memory or in a file (large content is streamed, never loaded whole), or a file whose
 * digests were computed as it was received (an upload): that one is linked into place, not re-read.
 */
export type ContentSource = Buffer | { readonly path: string } | VerifiedFile;

export interface VerifiedFile {
  readonly verifiedPath: string;
  /** Base64 digests and length measured when the bytes were written. */
  readonly sha1: string;
  readonly sha256: string;
  readonly size: number;
}

export interface StoredContent {
  readonly path: string;
  readonly relativePath: string;
  readonly size: number;
}

/** A file as it is on disk. */
export interface StoredFile {
  readonly relativePath: string;
  readonly path: string;
  readonly size: number;
  /** `dev:ino`: names of one inode share their bytes. */
  readonly inode: string;
  readonly links: number;
}

/** Staging area inside contentDir: a rename from here to the final path never crosses filesystems. */
const INCOMING_DIR = '.incoming';

/**
 * Update files, content-addressed by SHA-1 in the WSUS layout (content-path.ts). A file is written
 * to a temporary name, hashed while it is written, fsynced, checked against the digests the
 * metadata declares, and only then renamed into place; a mismatch removes the temporary file, so a
 * reader never sees partial or wrong bytes under a content path.
 */
export class ContentStore {
  constructor(readonly contentDir: string) {}

  pathFor(sha1: string, fileName: string): string {
    return path.join(this.contentDir, ...contentRelativePath(sha1, fileName).split('/'));
  }

  /** Size on disk, or null when the file is not stored. */
  async storedSize(sha1: string, fileName: string): Promise<number | null> {
    try {
      const s = await stat(this.pathFor(sha1, fileName));
      return s.isFile() ? s.size : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /**
   * Every file stored for a SHA-1, whatever extension revisions gave it (`XX/<HEX>` and `XX/<HEX>.*`),
   * with its size and inode (a hard link to an upload frees nothing until the upload goes too).
   */
  async filesOf(sha1: string): Promise<StoredFile[]> {
    const hex = sha1Hex(sha1);
    const dir = path.join(this.contentDir, hex.slice(-2));
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const files: StoredFile[] = [];
    for (const name of names.filter((n) => n === hex || n.startsWith(`${hex}.`)).sort()) {
      const s = await stat(path.join(dir, name)).catch(() => null);
      if (s === null || !s.isFile()) continue;
      files.push({ relativePath: `${hex.slice(-2)}/${name}`, path: path.join(dir, name), size: s.size, inode: `${s.dev}:${s.ino}`, links: s.nlink });
    }
    return files;
  }

  /** Stages, verifies and moves into place in one go. */
  async put(expected: ExpectedContent, source: ContentSource): Promise<StoredContent> {
    const staged = await this.stage(expected, source);
    return staged.commit();
  }

  /**
   * Writes and verifies the bytes under a temporary name. Throws a CodedError (and leaves nothing)
   * when they do not match; otherwise the caller commits or discards.
   */
  async stage(expected: ExpectedContent, source: ContentSource): Promise<StagedContent> {
    const sha1 = canonicalSha1(expected.sha1);
    if (sha1 === null) throw new CodedError(MetadataErrorCodes.InvalidDocument, `${expected.fileName}: not a base64 SHA-1 digest: ${expected.sha1}`);
    const sha256 = expected.sha256 === null ? null : canonicalSha256(expected.sha256);
    if (expected.sha256 !== null && sha256 === null) {
      throw new CodedError(MetadataErrorCodes.InvalidDocument, `${expected.fileName}: not a base64 SHA-256 digest: ${expected.sha256}`);
    }
    const incoming = path.join(this.contentDir, INCOMING_DIR);
    await mkdir(incoming, { recursive: true });
    const tempPath = path.join(incoming, `${randomUUID()}.part`);
    const relativePath = contentRelativePath(sha1, expected.fileName);
    const finalPath = path.join(this.contentDir, ...relativePath.split('/'));

    let written: { sha1: string; sha256: string; size: number };
    try {
      written = 'verifiedPath' in source ? await linkVerified(tempPath, source) : await writeHashed(tempPath, source, expected.fileName);
      if (written.sha1 !== sha1) {
        throw new CodedError(
          MetadataErrorCodes.DigestMismatch,
          `${expected.fileName}: SHA-1 of the bytes is ${written.sha1}, the metadata declares ${sha1}`,
        );
      }
      if (sha256 !== null && written.sha256 !== sha256) {
        throw new CodedError(
          MetadataErrorCodes.DigestMismatch,
          `${expected.fileName}: SHA-256 of the bytes is ${written.sha256}, the metadata declares ${sha256}`,
        );
      }
      if (expected.size !== null && written.size !== expected.size) {
        throw new CodedError(
          MetadataErrorCodes.SizeMismatch,
          `${expected.fileName}: ${written.size} bytes, the metadata declares ${expected.size}`,
        );
      }
    } catch (error) {
      await removeQuietly(tempPath);
      throw error;
    }
    return new StagedContent(tempPath, finalPath, relativePath, written.size);
  }
}

/** Verified bytes under a temporary name, waiting for the caller's decision. */
export class StagedContent {
  private settled = false;

  constructor(
    private readonly tempPath: string,
    readonly finalPath: string,
    readonly relativePath: string,
    readonly size: number,
  ) {}

  async commit(): Promise<StoredContent> {
    this.settle();
    const dir = path.dirname(this.finalPath);
    await mkdir(dir, { recursive: true });
    // Same bytes under the same name: replacing an existing copy is harmless and atomic.
    await rename(this.tempPath, this.finalPath);
    await fsyncDirectory(dir);
    return { path: this.finalPath, relativePath: this.relativePath, size: this.size };
  }

  async discard(): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    await removeQuietly(this.tempPath);
  }

  private settle(): void {
    if (this.settled) throw new Error('staged content already committed or discarded');
    this.settled = true;
  }
}

/** A second name for already-hashed bytes (same filesystem: no copy); a copy where links fail. */
async function linkVerified(tempPath: string, source: VerifiedFile): Promise<{ sha1: string; sha256: string; size: number }> {
  try {
    await link(source.verifiedPath, tempPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CodedError(MetadataErrorCodes.Unreadable, `cannot read ${source.verifiedPath} (${code})`);
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK') throw error;
    await copyFile(source.verifiedPath, tempPath);
  }
  return { sha1: source.sha1, sha256: source.sha256, size: source.size };
}

async function writeHashed(
  tempPath: string,
  source: Buffer | { readonly path: string },
  fileName: string,
): Promise<{ sha1: string; sha256: string; size: number }> {
  const sha1 = createHash('sha1');
  const sha256 = createHash('sha256');
  let size = 0;
  const handle = await open(tempPath, 'wx');
  try {
    const take = async (chunk: Buffer): Promise<void> => {
      sha1.update(chunk);
      sha256.update(chunk);
      size += chunk.length;
      await writeAll(handle, chunk);
    };
    if (Buffer.isBuffer(source)) {
      await take(source);
    } else {
      try {
        for await (const chunk of createReadStream(source.path)) await take(chunk as Buffer);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
          throw new CodedError(MetadataErrorCodes.Unreadable, `${fileName}: cannot read ${source.path} (${code})`);
        }
        throw error;
      }
    }
    // Durable before it gets its final name: after a crash a content path holds all of its bytes.
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { sha1: sha1.digest('base64'), sha256: sha256.digest('base64'), size };
}

async function writeAll(handle: FileHandle, chunk: Buffer): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

/** Makes the rename itself durable (the directory entry), as POSIX requires. */
async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function removeQuietly(file: string): Promise<void> {
  await unlink(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}
