import { type ApprovalAction, DEFAULT_RETENTION_SETTINGS, parseServerConfiguration, retentionSettingsSchema, SERVER_CONFIGURATION_STREAM } from '#contracts';
import { DEFAULT_SERVER_CONFIGURATION } from '../configure-server/server-configuration.js';
import type { SqlExecutor } from '#event-store';
import {
  type ApprovalRuleState,
  type ApprovalState,
  type ConfigurationState,
  type BundledRevision,
  type CatalogRevision,
  type CatalogUpdate,
  DEFAULT_TARGETING_MODE,
  type DeploymentState,
  type EulaAcceptanceState,
  type GroupState,
  type TargetingMode,
} from '../domain/deployment.state.js';

/** Which slice of the state a command or query needs beyond the group tree and the mode. */
export interface StateScope {
  readonly computerIds?: readonly string[];
  /** Load every computer that is a member of this group (with all its memberships). */
  readonly membersOf?: string;
  readonly updateIds?: readonly string[];
  /** Load approvals made for these groups (any update). */
  readonly approvalsForGroups?: readonly string[];
}

/** Builds the decider's state from the projection tables, for one command's scope. */
export async function loadState(db: SqlExecutor, scope: StateScope): Promise<DeploymentState> {
  const groups = new Map<string, GroupState>();
  for (const r of (
    await db.query<{ group_id: string; name: string; parent_group_id: string | null; built_in: boolean; version: string }>(
      'SELECT group_id, name, parent_group_id, built_in, version::text AS version FROM dep_groups',
    )
  ).rows) {
    groups.set(r.group_id, { id: r.group_id, name: r.name, parentId: r.parent_group_id, builtIn: r.built_in, version: Number(r.version) });
  }
  const mode = (await db.query<{ value: string }>("SELECT value FROM dep_settings WHERE key = 'targeting-mode'")).rows[0];

  const computerIds = new Set(scope.computerIds ?? []);
  if (scope.membersOf) {
    const rows = await db.query<{ computer_id: string }>('SELECT computer_id FROM dep_memberships WHERE group_id = $1', [scope.membersOf]);
    for (const r of rows.rows) computerIds.add(r.computer_id);
  }
  const memberships = new Map<string, string[]>();
  if (computerIds.size > 0) {
    const rows = await db.query<{ computer_id: string; group_id: string }>(
      'SELECT computer_id, group_id FROM dep_memberships WHERE computer_id = ANY($1::text[]) ORDER BY group_id',
      [[...computerIds]],
    );
    for (const r of rows.rows) memberships.set(r.computer_id, [...(memberships.get(r.computer_id) ?? []), r.group_id]);
  }

  const approvals = new Map<string, Map<string, ApprovalState>>();
  const addApprovals = (rows: ApprovalRow[]): void => {
    for (const r of rows) {
      const byGroup = approvals.get(r.update_id) ?? new Map<string, ApprovalState>();
      byGroup.set(r.group_id, toApproval(r));
      approvals.set(r.update_id, byGroup);
    }
  };
  const updateIds = [...new Set(scope.updateIds ?? [])];
  if (updateIds.length > 0) {
    addApprovals((await db.query<ApprovalRow>(`${APPROVAL_SELECT} WHERE update_id = ANY($1::text[])`, [updateIds])).rows);
  }
  if (scope.approvalsForGroups && scope.approvalsForGroups.length > 0) {
    addApprovals(
      (await db.query<ApprovalRow>(`${APPROVAL_SELECT} WHERE group_id = ANY($1::text[])`, [[...scope.approvalsForGroups]])).rows,
    );
  }
  const approvedUpdates = [...approvals.keys()];
  const declined = new Set(
    (
      await db.query<{ update_id: string }>('SELECT update_id FROM dep_declines WHERE update_id = ANY($1::text[])', [
        [...new Set([...updateIds, ...approvedUpdates])],
      ])
    ).rows.map((r) => r.update_id),
  );
  const expired = new Set(
    (
      await db.query<{ update_id: string }>('SELECT update_id FROM dep_expired_updates WHERE update_id = ANY($1::text[])', [
        updateIds,
      ])
    ).rows.map((r) => r.update_id),
  );
  const catalog = await loadCatalog(db, updateIds, approvedUpdates);
  return {
    expired,
    acceptedEulas: await loadAcceptedEulas(db, catalog),
    groups,
    memberships,
    approvals,
    declined,
    targetingMode: (mode?.value as TargetingMode | undefined) ?? DEFAULT_TARGETING_MODE,
    catalog,
    configuration: await loadConfiguration(db),
    rules: await loadRules(db),
  };
}

/** The configuration and its version: the configuration stream's, whoever appended last (TargetingModeChanged too). */
export async function loadConfiguration(db: SqlExecutor): Promise<ConfigurationState & { changedBy: string | null }> {
  const row = (await db.query<{ settings: unknown; changed_at: Date | string; changed_by: string | null }>(
    'SELECT settings, changed_at, changed_by FROM dep_configuration WHERE id = 1',
  )).rows[0];
  const stream = (await db.query<{ version: string }>('SELECT version::text AS version FROM ws_streams WHERE stream_id = $1', [SERVER_CONFIGURATION_STREAM])).rows[0];
  const mode = (await db.query<{ changed_at: Date | string }>("SELECT changed_at FROM dep_settings WHERE key = 'targeting-mode'")).rows[0];
  const retention = (await db.query<{ value: string; changed_at: Date | string }>("SELECT value, changed_at FROM dep_settings WHERE key = 'retention'")).rows[0];
  const times = [row?.changed_at, mode?.changed_at, retention?.changed_at].filter((t): t is Date | string => t !== undefined).map(isoTime).sort();
  return {
    // Rows written before a setting existed get its default (the stored event data is kept as it was).
    settings: row === undefined ? DEFAULT_SERVER_CONFIGURATION : parseServerConfiguration(row.settings),
    retention: retention === undefined ? DEFAULT_RETENTION_SETTINGS : retentionSettingsSchema.parse(JSON.parse(retention.value)),
    version: stream ? Number(stream.version) : 0,
    changedAt: times.at(-1) ?? null,
    changedBy: row?.changed_by ?? null,
  };
}

export interface RuleRow {
  rule_id: string;
  name: string;
  enabled: boolean;
  classification_ids: string[];
  product_ids: string[];
  group_ids: string[];
  action: string;
  deadline_offset_days: number | null;
  created_at: Date | string;
  changed_at: Date | string;
  changed_by: string | null;
}

export const RULE_SELECT =
  'SELECT rule_id, name, enabled, classification_ids, product_ids, group_ids, action, deadline_offset_days, created_at, changed_at, changed_by FROM dep_approval_rules';

export const toRule = (r: RuleRow): ApprovalRuleState => ({
  ruleId: r.rule_id,
  name: r.name,
  enabled: r.enabled,
  classificationIds: r.classification_ids,
  productIds: r.product_ids,
  groupIds: r.group_ids,
  action: r.action as 'Install',
  deadlineOffsetDays: r.deadline_offset_days,
  createdAt: isoTime(r.created_at),
});

/** Every rule: a server has tens of them, not thousands. */
export async function loadRules(db: SqlExecutor): Promise<Map<string, ApprovalRuleState>> {
  const rows = await db.query<RuleRow>(`${RULE_SELECT} ORDER BY rule_id`);
  return new Map(rows.rows.map((r) => [r.rule_id, toRule(r)]));
}

/**
 * The named updates with every revision, plus whatever supersedes them, plus approved bundles, plus
 * the revisions those bundle (an install approval needs their EULAs too).
 */
async function loadCatalog(db: SqlExecutor, updateIds: readonly string[], approvedUpdates: readonly string[]): Promise<Map<string, CatalogUpdate>> {
  const catalog = new Map<string, CatalogUpdate>();
  const wanted = [...new Set([...updateIds, ...approvedUpdates])];
  if (wanted.length === 0) return catalog;
  const add = (rows: readonly CatalogRow[]): void => {
    for (const r of rows) {
      const revisions = new Map(catalog.get(r.update_id)?.revisions ?? []);
      revisions.set(r.revision_number, { supersededUpdateIds: r.superseded_update_ids, eulaId: r.eula_id, bundled: r.bundled } satisfies CatalogRevision);
      catalog.set(r.update_id, { updateId: r.update_id, revisions });
    }
  };
  add(
    (
      await db.query<CatalogRow>(
        `SELECT ${CATALOG_COLUMNS} FROM dep_catalog_revisions
          WHERE update_id = ANY($1::text[])
          UNION
         SELECT ${CATALOG_COLUMNS} FROM dep_catalog_revisions
          WHERE superseded_update_ids ?| $2::text[]`,
        [wanted, updateIds],
      )
    ).rows,
  );
  // Bundle members, level by level (bundles of bundles are rare and shallow).
  for (let depth = 0; depth < 4; depth++) {
    const members = new Set<string>();
    for (const update of catalog.values()) {
      for (const revision of update.revisions.values()) for (const m of revision.bundled) if (!catalog.has(m.updateId)) members.add(m.updateId);
    }
    if (members.size === 0) break;
    add(
      (
        await db.query<CatalogRow>(`SELECT ${CATALOG_COLUMNS} FROM dep_catalog_revisions WHERE update_id = ANY($1::text[])`, [
          [...members],
        ])
      ).rows,
    );
    for (const m of members) if (!catalog.has(m)) catalog.set(m, { updateId: m, revisions: new Map() });
  }
  return catalog;
}

/** Acceptances of the EULAs the loaded catalog entries carry. */
async function loadAcceptedEulas(db: SqlExecutor, catalog: ReadonlyMap<string, CatalogUpdate>): Promise<Map<string, EulaAcceptanceState>> {
  const eulaIds = new Set<string>();
  for (const update of catalog.values()) for (const revision of update.revisions.values()) if (revision.eulaId !== null) eulaIds.add(revision.eulaId);
  if (eulaIds.size === 0) return new Map();
  const rows = await db.query<EulaAcceptanceRow>(`${EULA_ACCEPTANCE_SELECT} WHERE eula_id = ANY($1::text[])`, [
    [...eulaIds],
  ]);
  return new Map(rows.rows.map((r) => [r.eula_id, toEulaAcceptance(r)]));
}

export interface EulaAcceptanceRow {
  eula_id: string;
  update_id: string;
  revision_number: number;
  accepted_at: Date | string;
  accepted_by: string | null;
}

export const EULA_ACCEPTANCE_SELECT = 'SELECT eula_id, update_id, revision_number, accepted_at, accepted_by FROM dep_eula_acceptances';

export const toEulaAcceptance = (r: EulaAcceptanceRow): EulaAcceptanceState => ({
  eulaId: r.eula_id,
  updateId: r.update_id,
  revisionNumber: r.revision_number,
  acceptedAt: isoTime(r.accepted_at),
  acceptedBy: r.accepted_by,
});

const CATALOG_COLUMNS = 'update_id, revision_number, superseded_update_ids, bundled, eula_id';

export interface ApprovalRow {
  update_id: string;
  group_id: string;
  revision_number: number;
  action: string;
  deadline: Date | string | null;
  deployment_id: number;
  changed_at: Date | string;
  changed_by: string | null;
}

interface CatalogRow {
  update_id: string;
  revision_number: number;
  superseded_update_ids: string[];
  bundled: BundledRevision[];
  eula_id: string | null;
}

export const APPROVAL_SELECT =
  'SELECT update_id, group_id, revision_number, action, deadline, deployment_id, changed_at, changed_by FROM dep_approvals';

export const isoTime = (value: Date | string): string => (value instanceof Date ? value : new Date(value)).toISOString();

export function toApproval(r: ApprovalRow): ApprovalState {
  return {
    updateId: r.update_id,
    groupId: r.group_id,
    revisionNumber: r.revision_number,
    action: r.action as ApprovalAction,
    deadline: r.deadline === null ? null : isoTime(r.deadline),
    deploymentId: r.deployment_id,
    changedAt: isoTime(r.changed_at),
  };
}
