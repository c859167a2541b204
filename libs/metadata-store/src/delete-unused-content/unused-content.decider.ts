import { canonicalSha1 } from '../content-store/content-path.js';

/** A revision names a file (one of its Files, or a license file), and whether that revision is live. */
export interface FileReference {
  readonly revisionId: number;
  /** Base64 SHA-1. */
  readonly sha1: string;
  /** False when the revision's update is expired. A revision not known yet counts as live. */
  readonly live: boolean;
}

/** A file nothing live names: every revision naming it belongs to an expired update. */
export interface UnusedFile {
  /** Canonical base64 SHA-1. */
  readonly sha1: string;
  /** The (expired) revisions that still name it, sorted. */
  readonly revisionIds: readonly number[];
}

/**
 * Which files a cleanup run deletes: those named only by revisions of expired updates. A file is
 * decided by its SHA-1, not by its path: the bytes are the same whatever extension a revision gives
 * them, and GetFileLocations answers by SHA-1, so one live revision keeps every copy. A file named by
 * no revision at all is not in `references` and never decided here (nothing says it is garbage rather
 * than bytes an import is placing). Pure; sorted by SHA-1.
 */
export function decideUnusedFiles(references: readonly FileReference[]): UnusedFile[] {
  const bySha1 = new Map<string, { live: boolean; revisionIds: Set<number> }>();
  for (const ref of references) {
    const sha1 = canonicalSha1(ref.sha1);
    if (sha1 === null) continue;
    const entry = bySha1.get(sha1) ?? { live: false, revisionIds: new Set<number>() };
    entry.live ||= ref.live;
    entry.revisionIds.add(ref.revisionId);
    bySha1.set(sha1, entry);
  }
  return [...bySha1]
    .filter(([, e]) => !e.live)
    .map(([sha1, e]) => ({ sha1, revisionIds: [...e.revisionIds].sort((a, b) => a - b) }))
    .sort((a, b) => (a.sha1 < b.sha1 ? -1 : a.sha1 > b.sha1 ? 1 : 0));
}

/** An upload held in `.uploads/`, with what it hashes to (null when its record is missing). */
export interface HeldUpload {
  readonly sha256: string;
  readonly sha1: string | null;
  /** When its bytes were written (ISO). */
  readonly uploadedAt: string;
}

/**
 * Which uploads a cleanup run deletes: uploaded before `uploadedBefore` and not the bytes of any live
 * revision (an upload used only by expired revisions goes with their files; one never used goes once
 * it is old enough that nobody is still about to publish it). Pure; sorted by SHA-256.
 */
export function decideUnusedUploads(uploads: readonly HeldUpload[], liveSha1s: ReadonlySet<string>, uploadedBefore: Date): HeldUpload[] {
  return uploads
    .filter((u) => Date.parse(u.uploadedAt) < uploadedBefore.getTime())
    .filter((u) => u.sha1 === null || !liveSha1s.has(canonicalSha1(u.sha1) ?? u.sha1))
    .sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1));
}

/** The SHA-1s live revisions name (canonical base64). */
export function liveSha1s(references: readonly FileReference[]): Set<string> {
  return new Set(references.filter((r) => r.live).map((r) => canonicalSha1(r.sha1) ?? r.sha1));
}
