import type { Readable } from 'node:stream';
import { type CausationContext, CodedError, ContentDeleted, ContentUploaded, type ContentUploadedData, newEvent, uploadedContentStream } from '#contracts';
import type { EventStore } from '#event-store';
import { MetadataErrorCodes } from '../metadata-store.errors.js';
import { type ReceiveLimits, SHA256_HEX, type UploadedContentStore, type UploadedFile } from './uploaded-content.store.js';

export interface UploadOutcome extends UploadedFile {
  /** False when the digest was uploaded already (the request is idempotent). */
  readonly created: boolean;
}

/** An upload a publish or import can use: where its bytes are and what they hash to. */
export interface ResolvedUpload {
  readonly path: string;
  readonly sha256Hex: string;
  readonly sha256Base64: string;
  readonly sha1: string;
  readonly size: number;
}

/**
 * Uploads as the metadata store knows them: the bytes in the UploadedContentStore, and who put
 * them there and what they hash to as events (ContentUploaded / ContentDeleted on `content-<sha256>`),
 * so the audit trail shows every upload and a HEAD never re-hashes gigabytes.
 */
export class UploadedContentService {
  constructor(
    private readonly store: EventStore,
    readonly files: UploadedContentStore,
  ) {}

  async upload(body: Readable, sha256Hex: string, limits: ReceiveLimits, context: CausationContext): Promise<UploadOutcome> {
    const sha256 = parseSha256(sha256Hex);
    const known = await this.describe(sha256);
    if (known !== null) {
      body.resume();
      return { ...known, created: false };
    }
    const file = await this.files.receive(body, sha256, limits);
    const data: ContentUploadedData = { sha256: file.sha256, sha1: file.sha1, size: file.size };
    await this.store.append(uploadedContentStream(sha256), [newEvent(context, ContentUploaded.type, ContentUploaded.schemaVersion, data)], 'any');
    return { ...file, created: true };
  }

  /** The upload with that digest, or null when none is held. */
  async describe(sha256Hex: string): Promise<UploadedFile | null> {
    const sha256 = parseSha256(sha256Hex);
    const size = await this.files.sizeOf(sha256);
    if (size === null) return null;
    const record = await this.lastRecord(sha256);
    // Bytes without a record: the process stopped between the rename and the append; upload again.
    if (record === null || record.size !== size) return null;
    return { sha256, sha1: record.sha1, size };
  }

  /** For publish and import by digest: refuses a digest that is not uploaded, with a code saying so. */
  async resolve(sha256Hex: string, what: string): Promise<ResolvedUpload> {
    if (!SHA256_HEX.test(sha256Hex)) {
      throw new CodedError('REQUEST.INVALID', `${what}: sha256 must be 64 lower-case hex digits, got ${JSON.stringify(sha256Hex.slice(0, 80))}`);
    }
    const found = await this.describe(sha256Hex);
    if (found === null) {
      throw new CodedError(MetadataErrorCodes.NotUploaded, `${what}: no content with SHA-256 ${sha256Hex} was uploaded; upload it first (PUT /api/v1/content/${sha256Hex})`, {
        sha256: sha256Hex,
      });
    }
    return { path: this.files.pathOf(sha256Hex), sha256Hex, sha256Base64: Buffer.from(sha256Hex, 'hex').toString('base64'), sha1: found.sha1, size: found.size };
  }

  /** Removes an upload no revision uses; CONTENT.IN_USE while one does. */
  async delete(sha256Hex: string, context: CausationContext): Promise<UploadedFile> {
    const found = await this.describe(sha256Hex);
    if (found === null) throw new CodedError(MetadataErrorCodes.ContentNotFound, `no content with SHA-256 ${sha256Hex} is uploaded`);
    const users = await this.revisionsUsing(found);
    if (users.length > 0) {
      throw new CodedError(MetadataErrorCodes.InUse, `content ${sha256Hex} is a file of ${users.length} revision(s) in the catalog (RevisionID ${users.slice(0, 10).join(', ')}); it cannot be deleted`, {
        revisionIds: users,
      });
    }
    await this.files.remove(found.sha256);
    await this.store.append(uploadedContentStream(found.sha256), [newEvent(context, ContentDeleted.type, ContentDeleted.schemaVersion, { sha256: found.sha256 })], 'any');
    return found;
  }

  /** RevisionIDs whose files or license files are these bytes. */
  private async revisionsUsing(file: UploadedFile): Promise<number[]> {
    const sha256Base64 = Buffer.from(file.sha256, 'hex').toString('base64');
    const result = await this.store.db.query<{ revision_id: number }>(
      `SELECT rf.revision_id FROM ms_revision_files rf JOIN ms_files f ON f.sha1 = rf.sha1 WHERE f.sha1 = $1 OR f.sha256 = $2
       UNION
       SELECT revision_id FROM ms_revision_fragments WHERE kind = 'Eula' AND position($3 in xml) > 0
       ORDER BY 1 LIMIT 100`,
      [file.sha1, sha256Base64, `Digest="${file.sha1}"`],
    );
    return result.rows.map((r) => r.revision_id);
  }

  private async lastRecord(sha256: string): Promise<ContentUploadedData | null> {
    let last: ContentUploadedData | null = null;
    let from = 1n;
    for (;;) {
      const page = await this.store.readStream(uploadedContentStream(sha256), { fromPosition: from, limit: 1000 });
      for (const event of page.events) {
        if (event.type === ContentUploaded.type) last = event.data as ContentUploadedData;
        else if (event.type === ContentDeleted.type) last = null;
      }
      if (page.events.length < 1000) return last;
      from = page.events.at(-1)!.streamPosition + 1n;
    }
  }
}

function parseSha256(text: string): string {
  const hex = text.toLowerCase();
  if (!SHA256_HEX.test(hex)) throw new CodedError('REQUEST.INVALID', `the content is addressed by its SHA-256 in hex (64 digits), got ${JSON.stringify(text.slice(0, 80))}`);
  return hex;
}
