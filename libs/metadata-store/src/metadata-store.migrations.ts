import type { Migration } from '#event-store';

/**
 * The metadata store's tables. `ms_update_documents` and the RevisionID sequence are the write
 * side (the log's events point at documents by hash; the sequence only hands out new ids). The
 * other tables are the `update-revisions` projection over UpdateRevisionImported and are rebuilt
 * by replaying the log (see update-revisions.projection.ts).
 */
export const METADATA_STORE_MIGRATIONS: readonly Migration[] = [
  {
    id: 'metadata-store/0001',
    description: 'update documents, RevisionID sequence, revisions/fragments/files projection',
    sql: `
      -- Full update documents as imported, content-addressed by the SHA-256 (hex) of their UTF-8
      -- bytes: two revisions never share a row by accident, and a re-import writes nothing.
      CREATE TABLE ms_update_documents (
        sha256     text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        xml        text NOT NULL,
        stored_at  timestamptz NOT NULL DEFAULT now()
      );

      -- MS-WUSP RevisionIDs are 32-bit ints (UpdateInfo.ID). A sequence allocates them without a
      -- lock; gaps (a lost race, a rolled-back import) are harmless.
      CREATE SEQUENCE ms_revision_id_seq AS integer MINVALUE 1 START 1;

      CREATE TABLE ms_revisions (
        revision_id      integer PRIMARY KEY CHECK (revision_id > 0),
        update_id        text NOT NULL CHECK (update_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'),
        revision_number  integer NOT NULL CHECK (revision_number >= 0),
        update_type      text NOT NULL,
        title            text NOT NULL,
        document_sha256  text NOT NULL REFERENCES ms_update_documents (sha256),
        source           text NOT NULL,
        imported_at      timestamptz NOT NULL,
        UNIQUE (update_id, revision_number)
      );

      -- MS-WUSP §3.1.1.1 Metadata table: (RevisionID, fragment type, locale) → XML. Core and
      -- Extended have no locale; Eula may also carry a GeoId (MS-WUSP <43>).
      CREATE TABLE ms_revision_fragments (
        revision_id  integer NOT NULL REFERENCES ms_revisions (revision_id) ON DELETE CASCADE,
        kind         text NOT NULL CHECK (kind IN ('Core', 'Extended', 'LocalizedProperties', 'Eula')),
        locale       text,
        geo_id       text,
        xml          text NOT NULL,
        CHECK ((kind IN ('Core', 'Extended')) = (locale IS NULL))
      );
      CREATE UNIQUE INDEX ms_revision_fragments_key
        ON ms_revision_fragments (revision_id, kind, lower(coalesce(locale, '')), coalesce(geo_id, ''));

      -- Files named by any revision, keyed by the base64 SHA-1 the metadata and the wire use.
      CREATE TABLE ms_files (
        sha1       text PRIMARY KEY,
        sha1_hex   text NOT NULL UNIQUE CHECK (sha1_hex ~ '^[0-9A-F]{40}$'),
        sha256     text,
        size       bigint NOT NULL CHECK (size >= 0),
        file_name  text NOT NULL
      );

      CREATE TABLE ms_revision_files (
        revision_id  integer NOT NULL REFERENCES ms_revisions (revision_id) ON DELETE CASCADE,
        sha1         text NOT NULL REFERENCES ms_files (sha1),
        PRIMARY KEY (revision_id, sha1)
      );
    `,
  },
  {
    id: 'metadata-store/0002',
    description: 'content references (write side, for cleanup) and expired updates projection',
    sql: `
      -- Which revision names which file (SHA-1, base64), written by the import in the transaction
      -- that appends its UpdateRevisionImported, under the file's content lock. A cleanup run
      -- re-checks it under the same lock before deleting a file, so a revision committed after the
      -- run read the (possibly lagging) projections still keeps its file. Revisions imported before
      -- this table existed are in ms_revision_files, which the run reads too.
      CREATE TABLE ms_content_references (
        sha1         text NOT NULL,
        revision_id  integer NOT NULL,
        PRIMARY KEY (sha1, revision_id)
      );

      -- Projection of UpdateExpired (a deployment event): a revision of an expired update is not
      -- live, and a file only such revisions name is content nothing else uses.
      CREATE TABLE ms_expired_updates (
        update_id   text PRIMARY KEY,
        expired_at  timestamptz NOT NULL
      );
    `,
  },
];
