import { approvalRuleStream, CodedError, newEvent } from '#contracts';
import type { z } from 'zod';
import { issuesOf } from '../configure-server/configure-server.decider.js';
import type { DeploymentCommand } from '../domain/deployment.commands.js';
import { DeploymentErrors as E } from '../domain/deployment.errors.js';
import type { ApprovalRuleState, DeploymentState } from '../domain/deployment.state.js';
import type { DeciderContext, Decision, StreamEvent } from '../domain/decision.js';
import { changeRuleInput, createRuleInput } from './approval-rule.schemas.js';

type CreateRule = Extract<DeploymentCommand, { type: 'CreateApprovalRule' }>;
type ChangeRule = Extract<DeploymentCommand, { type: 'ChangeApprovalRule' }>;
type DeleteRule = Extract<DeploymentCommand, { type: 'DeleteApprovalRule' }>;

type Definition = Omit<ApprovalRuleState, 'enabled' | 'createdAt'>;

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = issuesOf(parsed.error);
  const first = issues[0];
  throw new CodedError(E.RuleInvalid, `invalid rule: ${first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'rejected'}`, { issues });
}

/**
 * The rule's groups must exist now (a rule for a group deleted later skips it when it runs); the
 * categories need not: a downstream server may hold a rule before its first sync brings them.
 * Names are unique without regard to case, as WSUS's are.
 */
function check(definition: Definition, state: DeploymentState): void {
  for (const groupId of definition.groupIds) {
    if (!state.groups.has(groupId)) throw new CodedError(E.GroupNotFound, `group ${groupId} does not exist`);
  }
  const key = definition.name.toLocaleLowerCase('en-US');
  const clash = [...state.rules.values()].find((r) => r.ruleId !== definition.ruleId && r.name.toLocaleLowerCase('en-US') === key);
  if (clash) throw new CodedError(E.RuleNameTaken, `a rule named ${JSON.stringify(clash.name)} already exists`, { ruleId: clash.ruleId });
}

/**
 * A replica downstream server takes its approvals from its upstream server (MS-WSUSOD 2.5.3.1: it
 * receives update deployments too), so it approves nothing itself, by rule or otherwise.
 */
export function decideCreateRule(command: CreateRule, state: DeploymentState, ctx: DeciderContext): Decision {
  if (state.configuration.settings.role === 'replica-downstream') {
    throw new CodedError(E.RuleOnReplica, 'a replica downstream server takes its approvals from its upstream server: it has no approval rules');
  }
  const { enabled, ...rest } = parse(createRuleInput, command.definition);
  const definition: Definition = { ruleId: command.ruleId, ...rest };
  if (state.rules.has(command.ruleId)) throw new CodedError(E.RuleNameTaken, `rule ${command.ruleId} already exists`);
  check(definition, state);
  return {
    events: [{ streamId: approvalRuleStream(command.ruleId), event: newEvent(ctx, 'ApprovalRuleCreated', 1, { ...definition, enabled }) }],
    warnings: [],
  };
}

/** Definition changes are one ApprovalRuleChanged with the whole new definition; enabling is its own event. */
export function decideChangeRule(command: ChangeRule, state: DeploymentState, ctx: DeciderContext): Decision {
  const changes = parse(changeRuleInput, command.changes);
  const rule = state.rules.get(command.ruleId);
  if (!rule) throw new CodedError(E.RuleNotFound, `rule ${command.ruleId} does not exist`);
  const { enabled, ...definitionChanges } = changes;
  const current: Definition = {
    ruleId: rule.ruleId,
    name: rule.name,
    classificationIds: rule.classificationIds,
    productIds: rule.productIds,
    groupIds: rule.groupIds,
    action: rule.action,
    deadlineOffsetDays: rule.deadlineOffsetDays,
  };
  const next: Definition = { ...current, ...Object.fromEntries(Object.entries(definitionChanges).filter(([, v]) => v !== undefined)) };
  const events: StreamEvent[] = [];
  const stream = approvalRuleStream(rule.ruleId);
  if (JSON.stringify(next) !== JSON.stringify(current)) {
    check(next, state);
    events.push({ streamId: stream, event: newEvent(ctx, 'ApprovalRuleChanged', 1, next) });
  }
  if (enabled !== undefined && enabled !== rule.enabled) {
    events.push({ streamId: stream, event: newEvent(ctx, enabled ? 'ApprovalRuleEnabled' : 'ApprovalRuleDisabled', 1, { ruleId: rule.ruleId }) });
  }
  return { events, warnings: [] };
}

/** Deleting a rule leaves the approvals it made: they are approvals like any other. */
export function decideDeleteRule(command: DeleteRule, state: DeploymentState, ctx: DeciderContext): Decision {
  if (!state.rules.has(command.ruleId)) throw new CodedError(E.RuleNotFound, `rule ${command.ruleId} does not exist`);
  return {
    events: [{ streamId: approvalRuleStream(command.ruleId), event: newEvent(ctx, 'ApprovalRuleDeleted', 1, { ruleId: command.ruleId }) }],
    warnings: [],
  };
}
