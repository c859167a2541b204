import {
  type CausationContext,
  CodedError,
  ErrorCodes,
  newEvent,
  UpdateRevisionImported,
  type UpdateRevisionImportedData,
  updateStream,
} from '#contracts';
import {
  type EventStore,
  type ExpectedVersion,
  MAX_READ_LIMIT,
  type ProjectionRunner,
  readStream,
  type SqlExecutor,
  StreamVersionConflictError,
} from '#event-store';
import { isUpdateMetadataError, readUpdateDocument, type UpdateDocument } from '#wsus-codecs/update-metadata';
import { canonicalSha1 } from '../content-store/content-path.js';
import { lockContent } from '../content-store/content-lock.js';
import type { ContentSource, ContentStore, ExpectedContent, StagedContent } from '../content-store/content-store.js';
import { MetadataErrorCodes } from '../metadata-store.errors.js';
import { documentSha256, storeDocument } from '../update-documents/update-documents.store.js';
import { findRevision } from '../update-revisions/update-revisions.queries.js';
import {
  decideImport,
  evolveImportState,
  type ImportDecision,
  initialImportState,
  revisionImportedData,
  sha1Of,
  type UpdateImportState,
} from './import-update.decider.js';

export interface ImportFile {
  readonly fileName: string;
  /** Base64 SHA-1: picks the declared file when several share a name. */
  readonly sha1?: string;
  readonly content: ContentSource;
}

export interface ImportUpdateCommand {
  readonly xml: string;
  readonly source: UpdateRevisionImportedData['source'];
  readonly files?: readonly ImportFile[];
}

export interface ImportUpdateResult {
  readonly revisionId: number;
  readonly updateId: string;
  readonly revisionNumber: number;
  readonly created: boolean;
  /**
   * What the catalog gained, in the terms of the synchronization history: the update's first
   * revision (new), a further one (revised), a revision published as Expired, or nothing (unchanged).
   */
  readonly change: ImportChange;
  /** URL paths of the files stored by this call. */
  readonly storedFiles: readonly string[];
}

export type ImportChange = 'new' | 'revised' | 'expired' | 'unchanged';

export interface ImportUpdateOptions {
  /** Lost races on the update's stream are retried this often before giving up. */
  readonly maxAttempts?: number;
  /** How long to wait for the revisions projection to show a new revision before replying anyway. */
  readonly projectionWaitMs?: number;
  /** A failed catch-up is not the caller's failure (the event is committed); it is reported here. */
  readonly onProjectionError?: (error: unknown) => void;
}

/** Two writers of one new revision: the loser re-reads and finds the winner's (same) revision. */
const DEFAULT_MAX_ATTEMPTS = 5;
/** Read-your-writes for the caller's next query, bounded so a stuck projection cannot stall imports. */
const DEFAULT_PROJECTION_WAIT_MS = 2_000;

/**
 * Enters one full update document into the catalog: parse, decide against the update's stream,
 * verify and stage any supplied file bytes, then in one transaction store the document, allocate
 * the RevisionID and append UpdateRevisionImported; finally move the staged files into place.
 * Refusals (bad XML, a different document for an existing revision, wrong bytes) store nothing.
 */
export class ImportUpdateUseCase {
  constructor(
    private readonly store: EventStore,
    private readonly content: ContentStore,
    private readonly revisions: ProjectionRunner | null,
    private readonly options: ImportUpdateOptions = {},
  ) {}

  async execute(command: ImportUpdateCommand, context: CausationContext): Promise<ImportUpdateResult> {
    const prepared = prepareImport(command.xml, command.source);
    const { document, sha256, streamId } = prepared;
    const { updateId, revisionNumber } = document.summary.identity;

    // Refuse a conflicting document before any file is written.
    refuseConflict(decideImport((await loadState(this.store.db, streamId)).state, revisionNumber, sha256), updateId, revisionNumber);

    const staged = await stageFiles(this.content, document, command.files ?? []);
    let outcome: { revisionId: number; created: boolean; change: ImportChange };
    try {
      outcome = await this.commit(prepared, context, staged);
    } catch (error) {
      await Promise.all(staged.map((s) => s.discard()));
      throw error;
    }
    const storedFiles = staged.map((s) => `/Content/${s.relativePath}`);
    if (outcome.created) await this.awaitRevision(updateId, revisionNumber);
    return { revisionId: outcome.revisionId, updateId, revisionNumber, created: outcome.created, change: outcome.change, storedFiles };
  }

  private async commit(
    prepared: PreparedImport,
    context: CausationContext,
    staged: readonly StagedContent[],
  ): Promise<{ revisionId: number; created: boolean; change: ImportChange }> {
    const { updateId } = prepared.document.summary.identity;
    const maxAttempts = this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await this.store.db.transaction(async (tx) => {
          const done = await importInTransaction(this.store, tx, prepared, context);
          // Last, once the append cannot lose a race any more (a retried attempt still has its staged
          // files), and still under the content locks importInTransaction took.
          await placeFiles(staged);
          return done;
        });
        if (outcome.created) this.store.notifyAppended();
        return outcome;
      } catch (error) {
        if (!(error instanceof StreamVersionConflictError)) throw error;
        if (attempt >= maxAttempts) {
          throw new CodedError(ErrorCodes.StreamVersionConflict, `update ${updateId}: ${attempt} concurrent imports in a row lost the race`);
        }
      }
    }
  }

  /**
   * Read-your-writes for the caller's next query: waits (bounded) until the revisions projection
   * shows this revision. A failed catch-up is reported, not thrown: the event is committed.
   */
  async awaitRevision(updateId: string, revisionNumber: number): Promise<void> {
    if (this.revisions === null) return;
    const deadline = Date.now() + (this.options.projectionWaitMs ?? DEFAULT_PROJECTION_WAIT_MS);
    try {
      for (;;) {
        await this.revisions.catchUp();
        if ((await findRevision(this.store.db, updateId, revisionNumber)) !== null) return;
        // Not visible yet: an older transaction elsewhere in the cluster holds the gap-safe horizon.
        if (Date.now() >= deadline) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } catch (error) {
      this.options.onProjectionError?.(error);
    }
  }
}

/** A document read and checked against the event schema, before anything is stored. */
export interface PreparedImport {
  readonly document: UpdateDocument;
  readonly xml: string;
  readonly sha256: string;
  readonly source: ImportUpdateCommand['source'];
  readonly streamId: string;
}

/** Parses and checks one document; throws UPDATE.INVALID_DOCUMENT (nothing stored) when it cannot be imported. */
export function prepareImport(xml: string, source: ImportUpdateCommand['source']): PreparedImport {
  const document = parseDocument(xml);
  const sha256 = documentSha256(xml);
  checkEventData(document, sha256, source);
  return { document, xml, sha256, source, streamId: updateStream(document.summary.identity.updateId) };
}

/**
 * Inside the caller's transaction: decides the import against the update's stream, and for a new
 * revision allocates its RevisionID, stores the document, appends UpdateRevisionImported and records
 * which files it names (ms_content_references). Throws on a conflicting document (the caller's
 * transaction then stores nothing). The caller notifies the store's followers after its commit.
 *
 * It first takes the content lock of every file the revision names, to the end of the transaction:
 * a cleanup run deleting one of them either went first (the caller then moves the bytes it brought
 * into place, still in this transaction: placeFiles) or waits and then sees this revision's
 * references (content-store/content-lock.ts). A caller importing several documents takes all their
 * locks first (contentLocksOf), in one sorted pass, so two batches cannot deadlock.
 */
export async function importInTransaction(
  store: EventStore,
  tx: SqlExecutor,
  prepared: PreparedImport,
  context: CausationContext,
): Promise<{ revisionId: number; created: boolean; change: ImportChange }> {
  const { document, sha256, streamId } = prepared;
  const { updateId, revisionNumber } = document.summary.identity;
  const named = namedSha1s(document);
  await lockContent(tx, named);
  const { state, version } = await loadState(tx, streamId);
  const decision = decideImport(state, revisionNumber, sha256);
  refuseConflict(decision, updateId, revisionNumber);
  if (decision.kind === 'unchanged') return { revisionId: decision.revision.revisionId, created: false, change: 'unchanged' };
  const revisionId = await allocateRevisionId(tx);
  await storeDocument(tx, sha256, prepared.xml);
  const built = revisionImportedData(document, revisionId, sha256, prepared.source);
  if ('problem' in built) throw invalidDocument(built.problem);
  const event = newEvent(context, UpdateRevisionImported.type, UpdateRevisionImported.schemaVersion, built.data);
  const expected: ExpectedVersion = version === 0n ? 'no-stream' : version;
  await store.appendInTransaction(tx, streamId, [event], expected);
  await tx.query(`INSERT INTO ms_content_references (sha1, revision_id) SELECT unnest($1::text[]), $2::integer ON CONFLICT DO NOTHING`, [
    named,
    revisionId,
  ]);
  const change: ImportChange =
    document.summary.publicationState?.toLowerCase() === 'expired' ? 'expired' : state.revisions.size === 0 ? 'new' : 'revised';
  return { revisionId, created: true, change };
}

/** Moves verified staged bytes to their content paths: inside the import's transaction, under its content locks. */
export async function placeFiles(staged: readonly StagedContent[]): Promise<void> {
  for (const s of staged) await s.commit();
}

/** Canonical SHA-1s of the files and SHA-1-digested license files a document names: the content locks its import takes. */
export function namedSha1s(document: UpdateDocument): string[] {
  const digests = [
    ...document.summary.files.map((f) => sha1Of(f)),
    ...document.summary.eulaFiles.map((e) => (e.digest !== undefined && e.digest.algorithm.toUpperCase() === 'SHA1' ? e.digest.base64 : undefined)),
  ];
  const canonical = digests.flatMap((d) => {
    const c = d === undefined ? null : canonicalSha1(d);
    return c === null ? [] : [c];
  });
  return [...new Set(canonical)].sort();
}

/** Verifies every supplied file before anything is kept; one bad file discards them all. */
export async function stageFiles(content: ContentStore, document: UpdateDocument, files: readonly ImportFile[]): Promise<StagedContent[]> {
  const staged: StagedContent[] = [];
  try {
    for (const file of files) staged.push(await content.stage(declaredFile(document, file), file.content));
    return staged;
  } catch (error) {
    await Promise.all(staged.map((s) => s.discard()));
    throw error;
  }
}

function parseDocument(xml: string): UpdateDocument {
  try {
    return readUpdateDocument(xml);
  } catch (error) {
    if (isUpdateMetadataError(error)) {
      throw new CodedError(MetadataErrorCodes.InvalidDocument, `not a valid update document: ${error.message}`, {
        reason: error.code,
        path: error.path ?? null,
        offset: error.offset ?? null,
      });
    }
    throw error;
  }
}

/** The event schema is the last word on what the catalog accepts: check it before storing anything. */
function checkEventData(document: UpdateDocument, sha256: string, source: ImportUpdateCommand['source']): void {
  const built = revisionImportedData(document, 1, sha256, source);
  if ('problem' in built) throw invalidDocument(built.problem);
  const parsed = UpdateRevisionImported.schema.safeParse(built.data);
  if (!parsed.success) {
    throw invalidDocument(parsed.error.issues.map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`).join('; '));
  }
  for (const file of built.data.files) {
    if (canonicalSha1(file.sha1) === null) throw invalidDocument(`file ${file.fileName}: Digest is not a base64 SHA-1: ${file.sha1}`);
  }
}

function invalidDocument(problem: string): CodedError {
  return new CodedError(MetadataErrorCodes.InvalidDocument, `not a valid update document: ${problem}`);
}

function refuseConflict(decision: ImportDecision, updateId: string, revisionNumber: number): void {
  if (decision.kind !== 'conflict') return;
  throw new CodedError(
    MetadataErrorCodes.RevisionConflict,
    `update ${updateId} revision ${revisionNumber} is already in the catalog (RevisionID ${decision.revision.revisionId}) ` +
      `with another document (sha256 ${decision.revision.documentSha256}); a published revision never changes`,
    { revisionId: decision.revision.revisionId, documentSha256: decision.revision.documentSha256 },
  );
}

/**
 * The document's declaration of a supplied file: one of its `Files`, or one of its license files
 * (`LocalizedPropertiesCollection/EulaFile`, stored like content so the admin API can show the text
 * before the license is accepted). Matched by SHA-1 when given, else by name.
 */
function declaredFile(document: UpdateDocument, file: ImportFile): ExpectedContent {
  const declared: ExpectedContent[] = [
    // checkEventData refused documents with files lacking a SHA-1
    ...document.summary.files.map((f) => ({ fileName: f.fileName, sha1: sha1Of(f)!, sha256: f.sha256Base64 ?? null, size: f.size })),
    ...document.summary.eulaFiles.flatMap((e) =>
      e.fileName !== undefined && e.digest !== undefined && e.digest.algorithm.toUpperCase() === 'SHA1'
        ? [{ fileName: e.fileName, sha1: e.digest.base64, sha256: null, size: e.size ?? null }]
        : [],
    ),
  ];
  // The same license file may be named by several EulaFiles (regions): one declaration is enough.
  const unique = [...new Map(declared.map((d) => [`${canonicalSha1(d.sha1) ?? d.sha1}|${d.fileName.toLowerCase()}`, d])).values()];
  const wanted = file.sha1 === undefined ? null : canonicalSha1(file.sha1);
  if (file.sha1 !== undefined && wanted === null) {
    throw new CodedError(MetadataErrorCodes.UnknownFile, `${file.fileName}: ${file.sha1} is not a base64 SHA-1`);
  }
  const matches =
    wanted === null
      ? unique.filter((f) => f.fileName.toLowerCase() === file.fileName.toLowerCase())
      : unique.filter((f) => canonicalSha1(f.sha1) === wanted);
  if (matches.length === 1) return matches[0]!;
  const listed = unique.map((f) => f.fileName).join(', ') || 'none';
  throw new CodedError(
    MetadataErrorCodes.UnknownFile,
    matches.length === 0
      ? `${file.fileName}: the document lists no such file (it lists: ${listed})`
      : `${file.fileName}: the document lists several files by that name; give the SHA-1`,
  );
}

async function allocateRevisionId(tx: SqlExecutor): Promise<number> {
  const row = (await tx.query<{ id: number }>(`SELECT nextval('ms_revision_id_seq')::integer AS id`)).rows[0];
  if (row === undefined) throw new Error('RevisionID sequence returned nothing');
  return row.id;
}

async function loadState(db: SqlExecutor, streamId: string): Promise<{ state: UpdateImportState; version: bigint }> {
  let state = initialImportState;
  let from = 1n;
  for (;;) {
    const page = await readStream(db, streamId, { fromPosition: from, limit: MAX_READ_LIMIT });
    for (const event of page.events) state = evolveImportState(state, event);
    if (page.events.length < MAX_READ_LIMIT) return { state, version: page.version };
    from = page.events.at(-1)!.streamPosition + 1n;
  }
}

