import type { Migration } from '#event-store';

/** Projection tables of the deployment service; all rebuilt by replaying the log. */
export const DEPLOYMENT_MIGRATIONS: readonly Migration[] = [
  {
    id: 'deployment/0001',
    description: 'groups, memberships, approvals, declines, settings, catalog knowledge, deployment ids',
    sql: `
      CREATE TABLE dep_groups (
        group_id        text PRIMARY KEY,
        name            text NOT NULL,
        name_key        text NOT NULL,
        parent_group_id text,
        built_in        boolean NOT NULL,
        version         bigint NOT NULL,
        created_at      timestamptz NOT NULL,
        updated_at      timestamptz NOT NULL
      );
      -- Backstop for the decider's rule: names are unique among siblings, case-insensitively.
      CREATE UNIQUE INDEX dep_groups_sibling_name ON dep_groups (coalesce(parent_group_id, ''), name_key);

      CREATE TABLE dep_memberships (
        computer_id text NOT NULL,
        group_id    text NOT NULL,
        assigned_by text NOT NULL,
        changed_at  timestamptz NOT NULL,
        PRIMARY KEY (computer_id, group_id)
      );
      CREATE INDEX dep_memberships_group ON dep_memberships (group_id);

      CREATE TABLE dep_approvals (
        update_id       text NOT NULL,
        group_id        text NOT NULL,
        revision_number integer NOT NULL,
        action          text NOT NULL,
        deadline        timestamptz,
        deployment_id   integer NOT NULL,
        changed_at      timestamptz NOT NULL,
        changed_by      text,
        PRIMARY KEY (update_id, group_id)
      );
      CREATE INDEX dep_approvals_group ON dep_approvals (group_id);

      CREATE TABLE dep_declines (
        update_id   text PRIMARY KEY,
        declined_at timestamptz NOT NULL,
        declined_by text
      );

      CREATE TABLE dep_settings (
        key        text PRIMARY KEY,
        value      text NOT NULL,
        changed_at timestamptz NOT NULL
      );

      -- Events already folded in: commands apply their events in their own transaction, and the
      -- projection runner, meeting them again in the log, skips them.
      CREATE TABLE dep_applied_events (message_id uuid PRIMARY KEY);

      -- What the deployment service knows of the catalog, fed by UpdateRevisionImported.
      CREATE TABLE dep_catalog_revisions (
        update_id       text NOT NULL,
        revision_number integer NOT NULL,
        revision_id     integer NOT NULL,
        update_type     text NOT NULL,
        title           text NOT NULL,
        superseded_update_ids jsonb NOT NULL,
        bundled         jsonb NOT NULL,
        PRIMARY KEY (update_id, revision_number)
      );
      CREATE INDEX dep_catalog_supersedes ON dep_catalog_revisions USING gin (superseded_update_ids);

      -- UpdateApproved.deploymentId: never reset on rebuild, ids live on in the events.
      CREATE SEQUENCE dep_deployment_id_seq AS integer START 1;
    `,
  },
  {
    id: 'deployment/0002',
    description: 'server configuration, approval rules, what rules match on, revisions rules have seen',
    sql: `
      -- The last ServerConfigurationChanged; its version (the ETag) is the stream's, read from ws_streams.
      CREATE TABLE dep_configuration (
        id         integer PRIMARY KEY CHECK (id = 1),
        settings   jsonb NOT NULL,
        changed_at timestamptz NOT NULL,
        changed_by text
      );

      CREATE TABLE dep_approval_rules (
        rule_id              text PRIMARY KEY,
        name                 text NOT NULL,
        enabled              boolean NOT NULL,
        classification_ids   jsonb NOT NULL,
        product_ids          jsonb NOT NULL,
        group_ids            jsonb NOT NULL,
        action               text NOT NULL,
        deadline_offset_days integer,
        created_at           timestamptz NOT NULL,
        changed_at           timestamptz NOT NULL,
        changed_by           text
      );

      -- Latest revision of every update with the categories it carries (IsCategory clauses and the
      -- other prerequisites: some documents name a classification without the flag).
      CREATE TABLE dep_rule_candidates (
        update_id       text PRIMARY KEY,
        revision_number integer NOT NULL,
        update_type     text NOT NULL,
        title           text NOT NULL,
        category_ids    jsonb NOT NULL
      );
      -- Category revisions' own parents (product → product family → company), so that a rule on a
      -- family covers its products.
      CREATE TABLE dep_category_parents (
        category_id text PRIMARY KEY,
        title       text NOT NULL,
        parent_ids  jsonb NOT NULL
      );

      -- Revisions the rule process manager has handled: never twice, even after its checkpoint is reset.
      CREATE TABLE dep_auto_approved_revisions (
        update_id       text NOT NULL,
        revision_number integer NOT NULL,
        handled_at      timestamptz NOT NULL,
        approvals       jsonb NOT NULL,
        PRIMARY KEY (update_id, revision_number)
      );
    `,
  },
  {
    id: 'deployment/0003-eulas',
    description: 'the EULA of each catalog revision, accepted EULAs; replays the catalog view to fill the new column',
    sql: `
      ALTER TABLE dep_catalog_revisions ADD COLUMN eula_id text;

      -- EulaAccepted: the first acceptance of each EULA (MS-WSUSSS EULAs table, Accepted).
      CREATE TABLE dep_eula_acceptances (
        eula_id         text PRIMARY KEY,
        update_id       text NOT NULL,
        revision_number integer NOT NULL,
        accepted_at     timestamptz NOT NULL,
        accepted_by     text
      );

      -- The catalog view already passed the revisions: empty it and its checkpoint so it replays the
      -- log (UpdateRevisionImported has always carried eulaId) and fills eula_id before the first command.
      DELETE FROM dep_catalog_revisions;
      DELETE FROM ws_projection_checkpoints WHERE name = 'deployment.catalog';
    `,
  },
  {
    id: 'deployment/0004-cleanup',
    description: 'expired updates; when each catalog revision arrived (supersedence age); replays the catalog view to fill it',
    sql: `
      -- UpdateExpired: updates retired by cleanup.
      CREATE TABLE dep_expired_updates (
        update_id   text PRIMARY KEY,
        reason      text NOT NULL,
        run_id      text NOT NULL,
        expired_at  timestamptz NOT NULL
      );

      -- When the revision reached this server's log (recordedAt): how long an update has been superseded.
      ALTER TABLE dep_catalog_revisions ADD COLUMN imported_at timestamptz;
      DELETE FROM dep_catalog_revisions;
      DELETE FROM ws_projection_checkpoints WHERE name = 'deployment.catalog';
    `,
  },
  {
    id: 'deployment/0005-supersedes-index-without-pending-list',
    description: 'the supersedence index takes each insert at once, so a command\'s "what supersedes this" lookup uses it right after an import',
    sql: `
      -- With GIN's fast update, rows a catalog import adds wait in a pending list until a vacuum; the
      -- planner prices that list in and reads the whole table instead (every approval, ~40 ms at
      -- 100,000 revisions, where autovacuum is off or behind). Imports pay a little more per row.
      ALTER INDEX dep_catalog_supersedes SET (fastupdate = off);
      SELECT gin_clean_pending_list('dep_catalog_supersedes'::regclass);
    `,
  },
];
