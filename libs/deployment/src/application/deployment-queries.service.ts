import { Inject, Injectable } from '@nestjs/common';
import { ALL_COMPUTERS_GROUP_ID, CodedError } from '#contracts';
import type { EventStore } from '#event-store';
import { EVENT_STORE } from '#platform';
import { DeploymentErrors as E } from '../domain/deployment.errors.js';
import { ancestry, explicitGroups, type TargetingMode } from '../domain/deployment.state.js';
import { effectiveDeployments, type EffectiveDeployment } from '../domain/effective-deployments.js';
import { APPROVAL_SELECT, type ApprovalRow, isoTime, loadConfiguration, loadState, RULE_SELECT, type RuleRow, toApproval, toRule } from './load-state.js';
import type { RetentionSettings, ServerConfigurationData } from '#contracts';

export interface GroupView {
  readonly id: string;
  readonly name: string;
  readonly parentId: string | null;
  readonly builtIn: boolean;
  /** Stream version; the HTTP ETag. */
  readonly version: number;
  /** Computers explicitly in the group (All Computers: every computer known to the service). */
  readonly computerCount: number;
  readonly childIds: readonly string[];
}

export interface GroupTreeNode extends GroupView {
  readonly children: readonly GroupTreeNode[];
}

export interface ApprovalView {
  readonly updateId: string;
  readonly groupId: string;
  readonly revisionNumber: number;
  readonly action: string;
  readonly deadline: string | null;
  readonly deploymentId: number;
  readonly changedAt: string;
  readonly changedBy: string | null;
}

export interface ComputerGroupsView {
  readonly computerId: string;
  /** The groups the computer was put in (Unassigned Computers when none). */
  readonly groupIds: readonly string[];
  /** Those groups and all their ancestors up to All Computers: what approvals are looked up on. */
  readonly effectiveGroupIds: readonly string[];
}

/** Reads for the admin API, reports and the gateway, all served from the projection tables. */
@Injectable()
export class DeploymentQueryService {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async groups(): Promise<GroupView[]> {
    const rows = await this.store.db.query<{
      group_id: string; name: string; parent_group_id: string | null; built_in: boolean; version: string; members: string;
    }>(
      `SELECT g.group_id, g.name, g.parent_group_id, g.built_in, g.version::text AS version,
              (SELECT count(*) FROM dep_memberships m WHERE m.group_id = g.group_id)::text AS members
         FROM dep_groups g ORDER BY g.parent_group_id NULLS FIRST, g.name_key`,
    );
    const all = (await this.store.db.query<{ n: string }>('SELECT count(DISTINCT computer_id)::text AS n FROM dep_memberships')).rows[0]?.n ?? '0';
    return rows.rows.map((r) => ({
      id: r.group_id,
      name: r.name,
      parentId: r.parent_group_id,
      builtIn: r.built_in,
      version: Number(r.version),
      computerCount: r.group_id === ALL_COMPUTERS_GROUP_ID ? Number(all) : Number(r.members),
      childIds: rows.rows.filter((c) => c.parent_group_id === r.group_id).map((c) => c.group_id),
    }));
  }

  async tree(): Promise<GroupTreeNode[]> {
    const groups = await this.groups();
    const build = (g: GroupView): GroupTreeNode => ({ ...g, children: groups.filter((c) => c.parentId === g.id).map(build) });
    return groups.filter((g) => g.parentId === null || !groups.some((p) => p.id === g.parentId)).map(build);
  }

  async group(groupId: string): Promise<GroupView> {
    const group = (await this.groups()).find((g) => g.id === groupId);
    if (!group) throw new CodedError(E.GroupNotFound, `group ${groupId} does not exist`);
    return group;
  }

  async computerGroups(computerId: string): Promise<ComputerGroupsView> {
    const state = await loadState(this.store.db, { computerIds: [computerId] });
    const groupIds = [...explicitGroups(state, computerId)];
    const effective = new Set(groupIds.flatMap((g) => ancestry(state.groups, g)));
    return { computerId, groupIds, effectiveGroupIds: [...effective].sort() };
  }

  async approvalsForUpdate(updateId: string): Promise<{ updateId: string; declined: boolean; approvals: ApprovalView[] }> {
    const rows = await this.store.db.query<ApprovalRow>(`${APPROVAL_SELECT} WHERE update_id = $1 ORDER BY group_id`, [updateId]);
    const declined = await this.store.db.query('SELECT 1 FROM dep_declines WHERE update_id = $1', [updateId]);
    return {
      updateId,
      declined: declined.rows.length > 0,
      approvals: rows.rows.map((r) => ({ ...toApproval(r), changedBy: r.changed_by, changedAt: isoTime(r.changed_at) })),
    };
  }

  /** What applies to the computer now, by the rules in domain/effective-deployments.ts. */
  async effectiveDeployments(computerId: string): Promise<{ computerId: string; groupIds: readonly string[]; deployments: EffectiveDeployment[] }> {
    const membership = await loadState(this.store.db, { computerIds: [computerId] });
    const chainGroups = [...new Set(explicitGroups(membership, computerId).flatMap((g) => ancestry(membership.groups, g)))];
    const state = await loadState(this.store.db, { computerIds: [computerId], approvalsForGroups: chainGroups });
    return { computerId, groupIds: explicitGroups(state, computerId), deployments: effectiveDeployments(state, computerId) };
  }

  async targetingMode(): Promise<{ mode: TargetingMode; changedAt: string | null }> {
    const row = (await this.store.db.query<{ value: string; changed_at: Date | string }>("SELECT value, changed_at FROM dep_settings WHERE key = 'targeting-mode'")).rows[0];
    const state = await loadState(this.store.db, {});
    return { mode: state.targetingMode, changedAt: row ? isoTime(row.changed_at) : null };
  }

  /** The whole configuration; `version` is the ETag for If-Match. */
  async configuration(): Promise<ConfigurationView> {
    const configuration = await loadConfiguration(this.store.db);
    const { mode } = await this.targetingMode();
    return { ...configuration.settings, targetingMode: mode, retention: configuration.retention, version: configuration.version, changedAt: configuration.changedAt, changedBy: configuration.changedBy };
  }

  async approvalRules(): Promise<ApprovalRuleView[]> {
    return (await this.store.db.query<RuleRow>(`${RULE_SELECT} ORDER BY lower(name), rule_id`)).rows.map(toRuleView);
  }

  async approvalRule(ruleId: string): Promise<ApprovalRuleView> {
    const row = (await this.store.db.query<RuleRow>(`${RULE_SELECT} WHERE rule_id = $1`, [ruleId])).rows[0];
    if (!row) throw new CodedError(E.RuleNotFound, `rule ${ruleId} does not exist`);
    return toRuleView(row);
  }
}

export interface ConfigurationView extends ServerConfigurationData {
  readonly targetingMode: TargetingMode;
  readonly retention: RetentionSettings;
  readonly version: number;
  readonly changedAt: string | null;
  readonly changedBy: string | null;
}

export interface ApprovalRuleView {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly classificationIds: readonly string[];
  readonly productIds: readonly string[];
  readonly groupIds: readonly string[];
  readonly action: string;
  readonly deadlineOffsetDays: number | null;
  readonly createdAt: string;
  readonly changedAt: string;
  readonly changedBy: string | null;
}

function toRuleView(r: RuleRow): ApprovalRuleView {
  const { ruleId, createdAt, ...rest } = toRule(r);
  return { id: ruleId, ...rest, createdAt, changedAt: isoTime(r.changed_at), changedBy: r.changed_by };
}
