import type { ApprovalRuleState } from '../domain/deployment.state.js';

/** What a rule looks at in an update revision. */
export interface RuleCandidate {
  readonly updateId: string;
  readonly updateType: string;
  /** The revision's categoryIds with every ancestor category (product family, company) added. */
  readonly categoryIds: readonly string[];
}

/** Categories and detectoids are never approved: clients get them without approval. */
const APPROVABLE_TYPES = new Set(['Software', 'Driver']);

/**
 * classification × product: the update must carry one of the rule's classifications (or the rule
 * names none) and one of its products (or none named). Category ids are unique GUIDs, so whether an
 * id the update carries is a product or a classification need not be known to test membership;
 * ancestors make a rule on a product family cover its products, as in WSUS. Pure.
 */
export function ruleMatches(rule: Pick<ApprovalRuleState, 'classificationIds' | 'productIds'>, candidate: RuleCandidate): boolean {
  if (!APPROVABLE_TYPES.has(candidate.updateType)) return false;
  const carried = new Set(candidate.categoryIds);
  const any = (ids: readonly string[]): boolean => ids.length === 0 || ids.some((id) => carried.has(id));
  return any(rule.classificationIds) && any(rule.productIds);
}

/** Adds ancestors through a parent map (category → its parent categories); cycles are harmless. */
export function withAncestors(categoryIds: readonly string[], parents: ReadonlyMap<string, readonly string[]>): string[] {
  const seen = new Set<string>();
  const queue = [...categoryIds];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    queue.push(...(parents.get(id) ?? []));
  }
  return [...seen].sort();
}

/** The deadline of an approval a rule makes at `now`. */
export const ruleDeadline = (rule: Pick<ApprovalRuleState, 'deadlineOffsetDays'>, now: Date): string | null =>
  rule.deadlineOffsetDays === null ? null : new Date(now.getTime() + rule.deadlineOffsetDays * 86_400_000).toISOString();
