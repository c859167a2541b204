import type { Migration } from '#event-store';
import { RECOUNT_SQL } from './update-counts.js';

/**
 * Tables of the reporting read model (all rebuilt from the log by the status projection).
 *
 * Sized for 100,000 computers × 10,000 updates: only statuses a client actually stated are rows
 * (not applicable and "no status" are derived from the computer's last status snapshot and the
 * update's arrival, see domain/computer-status.ts), so the status table holds the updates each
 * computer needs, has, failed or is rebooting for, not the full cross product.
 */
export const REPORTING_MIGRATIONS: readonly Migration[] = [
  {
    id: 'reporting/0001',
    description: 'reporting read model: computers, per-update status, catalog arrivals, group membership',
    sql: `
      CREATE TABLE rpt_computers (
        computer_id            text PRIMARY KEY,
        dns_name               text,
        os_major_version       integer,
        os_minor_version       integer,
        os_build_number        integer,
        os_service_pack_major  integer,
        os_locale              text,
        computer_manufacturer  text,
        computer_model         text,
        client_version         text,
        client_ip              text,
        registered_at          timestamptz,
        -- stream position of the latest ComputerRegistered: where RegisterComputer starts reading
        registration_position  bigint,
        last_reported_at       timestamptz,
        last_scan_at           timestamptz,
        last_scan_result       text,
        last_status_at         timestamptz,
        last_reboot_at         timestamptz
      );
      -- the paged computer list, ordered by name
      CREATE INDEX rpt_computers_by_name ON rpt_computers ((coalesce(dns_name, '')), computer_id);

      CREATE TABLE rpt_update_status (
        computer_id      text NOT NULL,
        update_id        uuid NOT NULL,
        -- MS-WSUSSS Update Status Table codes: 2 needed, 3 downloaded, 4 installed, 5 failed, 6 pending reboot
        status           smallint NOT NULL,
        revision_number  integer,
        status_at        timestamptz NOT NULL,
        event_id         integer NOT NULL,
        win32_hresult    integer NOT NULL,
        PRIMARY KEY (computer_id, update_id)
      );
      -- per-update counts: an index-only scan of one update's rows
      CREATE INDEX rpt_update_status_by_update ON rpt_update_status (update_id, status, computer_id);

      CREATE TABLE rpt_updates (
        update_id        uuid PRIMARY KEY,
        title            text NOT NULL,
        update_type      text NOT NULL,
        revision_number  integer NOT NULL,
        -- when the update first entered the catalog (store time): a status snapshot older than
        -- this cannot have seen it
        arrived_at       timestamptz NOT NULL,
        declined         boolean NOT NULL DEFAULT false
      );

      CREATE TABLE rpt_group_members (
        computer_id  text NOT NULL,
        group_id     uuid NOT NULL,
        PRIMARY KEY (computer_id, group_id)
      );
      CREATE INDEX rpt_group_members_by_group ON rpt_group_members (group_id, computer_id);
    `,
  },
  {
    id: 'reporting/0002',
    description: 'group names and parents for reports; replay the status projection to fill them',
    sql: `
      CREATE TABLE rpt_groups (
        group_id         uuid PRIMARY KEY,
        name             text NOT NULL,
        parent_group_id  uuid
      );
      -- The projection already passed the group events: truncate its tables and its checkpoint so
      -- it replays the log from the start and fills the new table (projections are rebuildable).
      TRUNCATE rpt_computers, rpt_update_status, rpt_updates, rpt_group_members;
      DELETE FROM ws_projection_checkpoints WHERE name = 'reporting.status';
    `,
  },
  {
    id: 'reporting/0004-last-contact',
    description: 'when each computer last contacted the server (registered or reported), for stale-computer cleanup',
    sql: `
      -- By the writer's clock (occurredAt): filled from what the table already knew; kept by the projection from now on.
      ALTER TABLE rpt_computers ADD COLUMN last_contact_at timestamptz;
      UPDATE rpt_computers SET last_contact_at = greatest(registered_at, last_reported_at);
      CREATE INDEX rpt_computers_by_last_contact ON rpt_computers (last_contact_at);
    `,
  },
  {
    id: 'reporting/0005-computer-counts',
    description: 'per-computer status counters (installed, needed, failed, pending reboot, open work) kept by the status projection',
    sql: `
      -- What the computer list and group compliance show per computer, kept up to date by the
      -- projection whenever a computer's status rows change (status.projection.ts refreshCounts), so
      -- those reports read one row per computer instead of all ~hundreds of its status rows (100,000
      -- computers x a few hundred statuses: docs/benchmarks/report-queries.md).
      ALTER TABLE rpt_computers
        ADD COLUMN installed_count       integer NOT NULL DEFAULT 0,
        -- needed or downloaded-not-installed (2, 3)
        ADD COLUMN needed_count          integer NOT NULL DEFAULT 0,
        ADD COLUMN failed_count          integer NOT NULL DEFAULT 0,
        ADD COLUMN pending_reboot_count  integer NOT NULL DEFAULT 0,
        -- needed, downloaded, failed or pending reboot on a catalog update that is not declined:
        -- what keeps the computer from being compliant
        ADD COLUMN open_count            integer NOT NULL DEFAULT 0;
      -- Fill them from the rows already projected (no replay needed).
      UPDATE rpt_computers c
         SET installed_count = x.installed, needed_count = x.needed, failed_count = x.failed,
             pending_reboot_count = x.pending, open_count = x.open
        FROM (SELECT s.computer_id,
                     count(*) FILTER (WHERE s.status = 4) AS installed,
                     count(*) FILTER (WHERE s.status IN (2, 3)) AS needed,
                     count(*) FILTER (WHERE s.status = 5) AS failed,
                     count(*) FILTER (WHERE s.status = 6) AS pending,
                     count(*) FILTER (WHERE s.status IN (2, 3, 5, 6) AND u.update_id IS NOT NULL AND NOT u.declined) AS open
                FROM rpt_update_status s LEFT JOIN rpt_updates u ON u.update_id = s.update_id
               GROUP BY s.computer_id) x
       WHERE x.computer_id = c.computer_id;
    `,
  },
  {
    id: 'reporting/0006-update-counts',
    description: 'per-update, per-group status counters for the per-update report, kept by the status projection',
    sql: `
      -- One row per (update, bucket): All Computers, each group, Unassigned Computers. See
      -- update-counts.ts: the per-update report reads these instead of one status row per computer.
      CREATE TABLE rpt_update_counts (
        update_id       uuid NOT NULL,
        group_id        uuid NOT NULL,
        installed       integer NOT NULL DEFAULT 0,
        -- needed or downloaded (2, 3); downloaded is also counted on its own
        needed          integer NOT NULL DEFAULT 0,
        downloaded      integer NOT NULL DEFAULT 0,
        failed          integer NOT NULL DEFAULT 0,
        pending_reboot  integer NOT NULL DEFAULT 0,
        -- stated rows whose computer's last snapshot is not older than the update's arrival
        covered         integer NOT NULL DEFAULT 0,
        PRIMARY KEY (update_id, group_id)
      );
      -- Fill them from the rows already projected (no replay needed).
      INSERT INTO rpt_update_counts (update_id, group_id, installed, needed, downloaded, failed, pending_reboot, covered)
      ${RECOUNT_SQL('')};
    `,
  },
  {
    id: 'reporting/0007-report-retention',
    description: 'the report-event retention cutoff a computer snapshot covers (ComputerStatusSnapshotted)',
    sql: `
      -- Client events counting before this are covered by the computer's retention snapshot: no effect.
      ALTER TABLE rpt_computers ADD COLUMN reports_pruned_before timestamptz;
    `,
  },
  {
    id: 'reporting/0008-computer-search',
    description: 'trigram indexes for the computer list search (name or id containing the text)',
    sql: `
      -- The computer list's search is a substring ILIKE on the name or the id: without these, two
      -- sequential scans of rpt_computers per request (~0.5 s at 100,000 computers on a freshly vacuumed table,
      -- more on a bloated one: docs/benchmarks/report-queries.md). pg_trgm ships with PostgreSQL and is
      -- a trusted extension (a database owner may create it); the embedded store loads it too.
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
      CREATE INDEX rpt_computers_search_name ON rpt_computers USING gin (dns_name gin_trgm_ops);
      CREATE INDEX rpt_computers_search_id ON rpt_computers USING gin (computer_id gin_trgm_ops);
    `,
  },
];
