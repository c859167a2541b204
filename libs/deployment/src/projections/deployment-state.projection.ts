import { ComputerRemoved, DEPLOYMENT_EVENTS, type RecordedEvent } from '#contracts';
import type { Projection, SqlExecutor } from '#event-store';

/** The part of an event the projection needs; commands pass what they just appended. */
export interface ProjectableEvent {
  readonly type: string;
  readonly data: unknown;
  readonly metadata: { readonly messageId: string; readonly occurredAt: string; readonly actor: string | null };
  readonly streamPosition: bigint;
}

export const DEPLOYMENT_STATE_PROJECTION = 'deployment.state';

/**
 * Folds deployment events into SQL. Safe to meet an event twice: a command applies its own
 * events in its transaction (so the next command decides on them at once), and the runner applies
 * whatever else reaches the log (replays, other writers); dep_applied_events makes the second a no-op.
 */
export async function applyDeploymentEvent(tx: SqlExecutor, event: ProjectableEvent): Promise<void> {
  const fresh = await tx.query('INSERT INTO dep_applied_events (message_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING message_id', [
    event.metadata.messageId,
  ]);
  if (fresh.rows.length === 0) return;
  const d = event.data as Record<string, unknown>;
  const at = event.metadata.occurredAt;
  switch (event.type) {
    case 'ComputerGroupCreated':
      await tx.query(
        `INSERT INTO dep_groups (group_id, name, name_key, parent_group_id, built_in, version, created_at, updated_at)
         VALUES ($1, $2, lower($2), $3, $4, $5, $6, $6) ON CONFLICT (group_id) DO NOTHING`,
        [d.groupId, d.name, d.parentGroupId, d.builtIn, event.streamPosition.toString(), at],
      );
      return;
    case 'ComputerGroupRenamed':
      await tx.query('UPDATE dep_groups SET name = $2, name_key = lower($2), version = $3, updated_at = $4 WHERE group_id = $1', [
        d.groupId,
        d.name,
        event.streamPosition.toString(),
        at,
      ]);
      return;
    case 'ComputerGroupDeleted':
      await tx.query('DELETE FROM dep_memberships WHERE group_id = $1', [d.groupId]);
      await tx.query('DELETE FROM dep_approvals WHERE group_id = $1', [d.groupId]);
      await tx.query('DELETE FROM dep_groups WHERE group_id = $1', [d.groupId]);
      return;
    case 'ComputerAssignedToGroups':
      await tx.query('DELETE FROM dep_memberships WHERE computer_id = $1', [d.computerId]);
      await tx.query(
        `INSERT INTO dep_memberships (computer_id, group_id, assigned_by, changed_at)
         SELECT $1, g, $3, $4 FROM jsonb_array_elements_text($2::jsonb) AS g ON CONFLICT DO NOTHING`,
        [d.computerId, JSON.stringify(d.groupIds), d.by, at],
      );
      return;
    case 'UpdateApproved':
      await tx.query(
        `INSERT INTO dep_approvals (update_id, group_id, revision_number, action, deadline, deployment_id, changed_at, changed_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (update_id, group_id) DO UPDATE SET revision_number = excluded.revision_number, action = excluded.action,
           deadline = excluded.deadline, deployment_id = excluded.deployment_id, changed_at = excluded.changed_at, changed_by = excluded.changed_by`,
        [d.updateId, d.groupId, d.revisionNumber, d.action, d.deadline, d.deploymentId, at, event.metadata.actor],
      );
      return;
    case 'UpdateApprovalRemoved':
      await tx.query('DELETE FROM dep_approvals WHERE update_id = $1 AND group_id = $2', [d.updateId, d.groupId]);
      return;
    case 'UpdateDeclined':
      await tx.query('INSERT INTO dep_declines (update_id, declined_at, declined_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
        d.updateId,
        at,
        event.metadata.actor,
      ]);
      return;
    case 'UpdateUndeclined':
      await tx.query('DELETE FROM dep_declines WHERE update_id = $1', [d.updateId]);
      return;
    case 'EulaAccepted':
      // The first acceptance stands (the decider never records a second one; a replay meets the same first).
      await tx.query(
        `INSERT INTO dep_eula_acceptances (eula_id, update_id, revision_number, accepted_at, accepted_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (eula_id) DO NOTHING`,
        [d.eulaId, d.updateId, d.revisionNumber, at, event.metadata.actor],
      );
      return;
    case 'TargetingModeChanged':
      await tx.query(
        `INSERT INTO dep_settings (key, value, changed_at) VALUES ('targeting-mode', $1, $2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, changed_at = excluded.changed_at`,
        [d.mode, at],
      );
      return;
    case 'ServerConfigurationChanged':
      await tx.query(
        `INSERT INTO dep_configuration (id, settings, changed_at, changed_by) VALUES (1, $1::jsonb, $2, $3)
         ON CONFLICT (id) DO UPDATE SET settings = excluded.settings, changed_at = excluded.changed_at, changed_by = excluded.changed_by`,
        [JSON.stringify(event.data), at, event.metadata.actor],
      );
      return;
    case 'RetentionSettingsChanged':
      await tx.query(
        `INSERT INTO dep_settings (key, value, changed_at) VALUES ('retention', $1, $2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, changed_at = excluded.changed_at`,
        [JSON.stringify(event.data), at],
      );
      return;
    case 'UpdateExpired':
      await tx.query('INSERT INTO dep_expired_updates (update_id, reason, run_id, expired_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
        d.updateId,
        d.reason,
        d.runId,
        at,
      ]);
      return;
    case 'ComputerRemoved':
      // A stale computer removed by cleanup (the reporting service's event) leaves its groups.
      await tx.query('DELETE FROM dep_memberships WHERE computer_id = $1', [d.computerId]);
      return;
    case 'ApprovalRuleCreated':
      await tx.query(
        `INSERT INTO dep_approval_rules (rule_id, name, enabled, classification_ids, product_ids, group_ids, action, deadline_offset_days, created_at, changed_at, changed_by)
         VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7, $8, $9, $9, $10) ON CONFLICT (rule_id) DO NOTHING`,
        [d.ruleId, d.name, d.enabled, JSON.stringify(d.classificationIds), JSON.stringify(d.productIds), JSON.stringify(d.groupIds), d.action, d.deadlineOffsetDays, at, event.metadata.actor],
      );
      return;
    case 'ApprovalRuleChanged':
      await tx.query(
        `UPDATE dep_approval_rules SET name = $2, classification_ids = $3::jsonb, product_ids = $4::jsonb, group_ids = $5::jsonb, action = $6,
                deadline_offset_days = $7, changed_at = $8, changed_by = $9 WHERE rule_id = $1`,
        [d.ruleId, d.name, JSON.stringify(d.classificationIds), JSON.stringify(d.productIds), JSON.stringify(d.groupIds), d.action, d.deadlineOffsetDays, at, event.metadata.actor],
      );
      return;
    case 'ApprovalRuleEnabled':
    case 'ApprovalRuleDisabled':
      await tx.query('UPDATE dep_approval_rules SET enabled = $2, changed_at = $3, changed_by = $4 WHERE rule_id = $1', [
        d.ruleId,
        event.type === 'ApprovalRuleEnabled',
        at,
        event.metadata.actor,
      ]);
      return;
    case 'ApprovalRuleDeleted':
      await tx.query('DELETE FROM dep_approval_rules WHERE rule_id = $1', [d.ruleId]);
      return;
  }
}

export const deploymentStateProjection: Projection = {
  name: DEPLOYMENT_STATE_PROJECTION,
  eventTypes: [...DEPLOYMENT_EVENTS.map((e) => e.type), ComputerRemoved.type],
  apply: (tx, event: RecordedEvent) => applyDeploymentEvent(tx, event),
  async reset(tx) {
    await tx.exec(`DELETE FROM dep_groups; DELETE FROM dep_memberships; DELETE FROM dep_approvals; DELETE FROM dep_declines;
                   DELETE FROM dep_settings; DELETE FROM dep_applied_events;
                   DELETE FROM dep_configuration; DELETE FROM dep_approval_rules; DELETE FROM dep_eula_acceptances;
                   DELETE FROM dep_expired_updates;`);
  },
};
