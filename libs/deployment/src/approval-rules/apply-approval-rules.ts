import { randomUUID } from 'node:crypto';
import { type CausationContext, CodedError, type RecordedEvent, type UpdateRevisionImportedData } from '#contracts';
import type { Projection, SqlExecutor } from '#event-store';
import { loadConfiguration, loadRules } from '../application/load-state.js';
import type { ApprovalRuleState } from '../domain/deployment.state.js';
import type { Decision } from '../domain/decision.js';
import { catalogProjection } from '../projections/catalog.projection.js';
import { applyRuleCatalogEvent, carriedCategoryIds } from '../projections/rule-catalog.projection.js';
import { type RuleCandidate, ruleDeadline, ruleMatches } from './rule-matching.js';

/** One (update, group) a rule looked at, and what became of it. */
export interface RuleApplication {
  readonly ruleId: string;
  readonly updateId: string;
  readonly groupId: string;
  /** approved: an UpdateApproved was written; already-approved: the group has an approval of the latest revision; skipped: the approve decider refused (code says why). */
  readonly outcome: 'approved' | 'already-approved' | 'skipped';
  readonly revisionNumber?: number;
  readonly deploymentId?: number;
  readonly deadline?: string | null;
  readonly code?: string;
  readonly message?: string;
  readonly warnings?: readonly string[];
}

/**
 * The command service as the rules use it: the approve command inside a given transaction (an
 * interface here, so this module and the service do not import each other).
 */
export interface ApprovalExecutor {
  executeIn(
    tx: SqlExecutor,
    request: { type: 'ApproveUpdate'; updateId: string; groupId: string; action: ApprovalRuleState['action']; deadline: string | null },
    ctx: CausationContext,
  ): Promise<{ decision: Decision }>;
}

export async function loadCategoryParents(db: SqlExecutor): Promise<Map<string, string[]>> {
  const rows = await db.query<{ category_id: string; parent_ids: string[] }>('SELECT category_id, parent_ids FROM dep_category_parents');
  return new Map(rows.rows.map((r) => [r.category_id, r.parent_ids]));
}

/** The ids with all their ancestor categories, in SQL (one revision at a time: no need to load every category). */
export async function withAncestorsFromDb(db: SqlExecutor, ids: readonly string[]): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `WITH RECURSIVE a(id) AS (
       SELECT jsonb_array_elements_text($1::jsonb)
        UNION
       SELECT e.value FROM dep_category_parents p JOIN a ON p.category_id = a.id CROSS JOIN LATERAL jsonb_array_elements_text(p.parent_ids) AS e(value)
     ) SELECT id FROM a ORDER BY id`,
    [JSON.stringify(ids)],
  );
  return rows.rows.map((r) => r.id);
}

/**
 * Applies rules to one update through the approve decider (declined updates are refused and
 * skipped, superseded ones approved with the warning, exactly as for an administrator), each
 * approval with the actor `rule:<id>`. Runs inside the caller's transaction.
 *
 * A rule never accepts license terms: an update whose EULA no administrator accepted is skipped with
 * EULA.NOT_ACCEPTED, as WSUS leaves such updates to an explicit approval (its automatic approval of
 * new revisions likewise stops at a new license agreement). Once an administrator accepted the EULA
 * (for this update or any other that shares it), rules approve the update like any other.
 */
export async function applyRulesToUpdate(
  tx: SqlExecutor,
  commands: ApprovalExecutor,
  rules: readonly ApprovalRuleState[],
  candidate: RuleCandidate,
  context: (rule: ApprovalRuleState) => CausationContext,
): Promise<RuleApplication[]> {
  const results: RuleApplication[] = [];
  for (const rule of rules) {
    if (!ruleMatches(rule, candidate)) continue;
    for (const groupId of rule.groupIds) {
      const base = { ruleId: rule.ruleId, updateId: candidate.updateId, groupId };
      // An existing approval of the latest revision (a rule's or an admin's) is left as it is: a rule
      // neither moves a deadline nor overrides an administrator's Block or Uninstall.
      const existing = await tx.query(
        `SELECT 1 FROM dep_approvals a WHERE a.update_id = $1 AND a.group_id = $2
            AND a.revision_number = (SELECT max(revision_number) FROM dep_catalog_revisions c WHERE c.update_id = a.update_id)`,
        [candidate.updateId, groupId],
      );
      if (existing.rows.length > 0) {
        results.push({ ...base, outcome: 'already-approved' });
        continue;
      }
      const ctx = context(rule);
      try {
        const { decision } = await commands.executeIn(
          tx,
          { type: 'ApproveUpdate', updateId: candidate.updateId, groupId, action: rule.action, deadline: ruleDeadline(rule, ctx.now()) },
          ctx,
        );
        const approved = decision.events.find((e) => e.event.type === 'UpdateApproved')?.event.data as { revisionNumber: number; deploymentId: number; deadline: string | null } | undefined;
        results.push({
          ...base,
          outcome: approved ? 'approved' : 'already-approved',
          ...(approved ? { revisionNumber: approved.revisionNumber, deploymentId: approved.deploymentId, deadline: approved.deadline } : {}),
          warnings: decision.warnings.map((w) => w.code),
        });
      } catch (error) {
        if (!(error instanceof CodedError)) throw error;
        results.push({ ...base, outcome: 'skipped', code: error.code, message: error.message });
      }
    }
  }
  return results;
}

export const DEPLOYMENT_AUTO_APPROVAL_PROJECTION = 'deployment.auto-approval';

/**
 * The rule process manager: follows UpdateRevisionImported (published, imported or synced alike) and
 * applies the enabled rules that existed when the revision arrived. Exactly once per revision: the
 * approvals, the handled-revision row and the runner's checkpoint commit in one transaction, and the
 * row makes a second meeting (a reset checkpoint, a second runner) a no-op. reset() therefore keeps
 * the rows: replaying the log must never approve again what an administrator has since removed.
 */
export function autoApprovalProcessManager(commands: ApprovalExecutor, onApproved: () => void): Projection {
  return {
    name: DEPLOYMENT_AUTO_APPROVAL_PROJECTION,
    eventTypes: ['UpdateRevisionImported'],
    async apply(tx, event: RecordedEvent) {
      const d = event.data as UpdateRevisionImportedData;
      // Category parents are needed by the updates that follow; the rule-catalog runner may lag behind this one.
      if (d.updateType === 'Category') await applyRuleCatalogEvent(tx, event);
      if (d.updateType !== 'Software' && d.updateType !== 'Driver') return;
      // Cheap when no rule could apply (the common case, and every revision of a first replay):
      // one small read, nothing written. A rule created later never applies to this revision anyway.
      const rules = [...(await loadRules(tx)).values()].filter((r) => r.enabled && Date.parse(r.createdAt) <= Date.parse(event.metadata.occurredAt));
      if (rules.length === 0) return;
      // A replica's approvals come from its upstream server; its rules (made before it became one) rest.
      if ((await loadConfiguration(tx)).settings.role === 'replica-downstream') return;
      const fresh = await tx.query(
        `INSERT INTO dep_auto_approved_revisions (update_id, revision_number, handled_at, approvals) VALUES ($1, $2, now(), '[]'::jsonb)
         ON CONFLICT DO NOTHING RETURNING update_id`,
        [d.updateId, d.revisionNumber],
      );
      if (fresh.rows.length === 0) return;
      // This runner may be ahead of the catalog runners: fold the revision in first (both idempotent).
      await catalogProjection.apply(tx, event);
      await applyRuleCatalogEvent(tx, event);
      const candidate: RuleCandidate = { updateId: d.updateId, updateType: d.updateType, categoryIds: await withAncestorsFromDb(tx, carriedCategoryIds(d)) };
      const results = await applyRulesToUpdate(tx, commands, rules, candidate, (rule) => ({
        correlationId: event.metadata.correlationId,
        causationId: event.metadata.messageId,
        traceparent: event.metadata.traceparent,
        actor: `rule:${rule.ruleId}`,
        now: () => new Date(),
        newId: randomUUID,
      }));
      if (results.length === 0) return;
      await tx.query('UPDATE dep_auto_approved_revisions SET approvals = $3::jsonb WHERE update_id = $1 AND revision_number = $2', [
        d.updateId,
        d.revisionNumber,
        JSON.stringify(results),
      ]);
      if (results.some((r) => r.outcome === 'approved')) onApproved();
    },
    async reset() {
      // Deliberately nothing: see above.
    },
  };
}
