import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ALL_COMPUTERS_GROUP_ID, type ApprovalAction, type CausationContext } from '#contracts';
import type { TargetingMode } from '../domain/deployment.state.js';
import type { Decision, DecisionWarning } from '../domain/decision.js';
import type { EffectiveDeployment } from '../domain/effective-deployments.js';
import { DeploymentCommandService } from './deployment-commands.service.js';
import type { RuleApplication } from '../approval-rules/apply-approval-rules.js';
import { type ApprovalRuleView, type ApprovalView, type ComputerGroupsView, type ConfigurationView, DeploymentQueryService, type GroupView } from './deployment-queries.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who acts and under which correlation; the HTTP and bus edges each build one. */
export interface Caller {
  readonly actor: string;
  readonly correlationId?: string | null;
  readonly causationId?: string | null;
  readonly traceparent?: string | null;
}

export function causationContext(caller: Caller): CausationContext {
  return {
    correlationId: caller.correlationId && UUID.test(caller.correlationId) ? caller.correlationId : randomUUID(),
    causationId: caller.causationId && UUID.test(caller.causationId) ? caller.causationId : null,
    traceparent: caller.traceparent && /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/.test(caller.traceparent) ? caller.traceparent : null,
    actor: caller.actor,
    now: () => new Date(),
    newId: randomUUID,
  };
}

export interface Changed<T> {
  readonly changed: boolean;
  readonly warnings: readonly DecisionWarning[];
  readonly result: T;
}

/**
 * The use cases as the edges call them: run the command, then answer from the (already updated)
 * projection. Both the admin HTTP controllers and the bus controller are thin layers over this.
 */
@Injectable()
export class DeploymentApi {
  constructor(
    @Inject(DeploymentCommandService) private readonly commands: DeploymentCommandService,
    @Inject(DeploymentQueryService) readonly queries: DeploymentQueryService,
  ) {}

  async createGroup(input: { name: string; parentId?: string | undefined }, caller: Caller): Promise<Changed<GroupView>> {
    const groupId = randomUUID();
    const { decision } = await this.commands.execute(
      { type: 'CreateGroup', groupId, name: input.name, parentId: input.parentId ?? ALL_COMPUTERS_GROUP_ID },
      causationContext(caller),
    );
    return { changed: true, warnings: decision.warnings, result: await this.queries.group(groupId) };
  }

  async renameGroup(input: { groupId: string; name: string; expectedVersion?: number | undefined }, caller: Caller): Promise<Changed<GroupView>> {
    const { decision } = await this.commands.execute({ type: 'RenameGroup', ...withoutUndefined(input) }, causationContext(caller));
    return { changed: decision.events.length > 0, warnings: decision.warnings, result: await this.queries.group(input.groupId) };
  }

  async deleteGroup(
    input: { groupId: string; moveMembersToUnassigned?: boolean | undefined; expectedVersion?: number | undefined },
    caller: Caller,
  ): Promise<Changed<{ groupId: string; movedComputerIds: string[]; removedApprovalUpdateIds: string[] }>> {
    const { decision } = await this.commands.execute(
      { type: 'DeleteGroup', groupId: input.groupId, moveMembersToUnassigned: input.moveMembersToUnassigned ?? false, ...withoutUndefined({ expectedVersion: input.expectedVersion }) },
      causationContext(caller),
    );
    const data = decision.events.map((e) => e.event as { type: string; data: Record<string, string> });
    return {
      changed: true,
      warnings: decision.warnings,
      result: {
        groupId: input.groupId,
        movedComputerIds: data.filter((e) => e.type === 'ComputerAssignedToGroups').map((e) => e.data.computerId!),
        removedApprovalUpdateIds: data.filter((e) => e.type === 'UpdateApprovalRemoved').map((e) => e.data.updateId!),
      },
    };
  }

  async assignComputer(input: { computerId: string; groupIds: string[] }, caller: Caller): Promise<Changed<ComputerGroupsView>> {
    const { decision } = await this.commands.execute({ type: 'AssignComputer', ...input }, causationContext(caller));
    return { changed: decision.events.length > 0, warnings: decision.warnings, result: await this.queries.computerGroups(input.computerId) };
  }

  /** Called by the SOAP gateway on every cookie request in client-side mode (and harmless otherwise). */
  async resolveClientTargeting(
    input: { computerId: string; requestedGroupNames: string[] },
    caller: Caller,
  ): Promise<ComputerGroupsView & { changed: boolean; targetingMode: TargetingMode }> {
    const { decision, before } = await this.commands.execute({ type: 'ResolveClientTargeting', ...input }, causationContext(caller));
    return { ...(await this.queries.computerGroups(input.computerId)), changed: decision.events.length > 0, targetingMode: before.targetingMode };
  }

  async approveUpdate(
    input: {
      updateId: string;
      groupId: string;
      action: ApprovalAction;
      deadline?: string | null | undefined;
      revisionNumber?: number | undefined;
      acceptEula?: boolean | undefined;
    },
    caller: Caller,
  ): Promise<Changed<ApprovalView> & { acceptedEulas: EulaAcceptanceView[] }> {
    const { decision } = await this.commands.execute(
      {
        type: 'ApproveUpdate',
        updateId: input.updateId,
        groupId: input.groupId,
        action: input.action,
        deadline: input.deadline ?? null,
        ...withoutUndefined({ revisionNumber: input.revisionNumber, acceptEula: input.acceptEula }),
      },
      causationContext(caller),
    );
    const approval = (await this.queries.approvalsForUpdate(input.updateId)).approvals.find((a) => a.groupId === input.groupId);
    if (!approval) throw new Error(`approval of ${input.updateId} for ${input.groupId} missing right after it was stored`);
    return { changed: decision.events.length > 0, warnings: decision.warnings, result: approval, acceptedEulas: acceptancesIn(decision.events, caller) };
  }

  /** Accepts the license terms of the revision (latest by default) and of the updates it bundles. */
  async acceptEula(input: { updateId: string; revisionNumber?: number | undefined }, caller: Caller): Promise<Changed<{ acceptedEulas: EulaAcceptanceView[] }>> {
    const ctx = causationContext(caller);
    const { decision } = await this.commands.execute({ type: 'AcceptEula', updateId: input.updateId, ...withoutUndefined({ revisionNumber: input.revisionNumber }) }, ctx);
    return { changed: decision.events.length > 0, warnings: [], result: { acceptedEulas: acceptancesIn(decision.events, caller) } };
  }

  async removeApproval(input: { updateId: string; groupId: string }, caller: Caller): Promise<Changed<{ updateId: string; groupId: string }>> {
    const { decision } = await this.commands.execute({ type: 'RemoveApproval', ...input }, causationContext(caller));
    return { changed: true, warnings: decision.warnings, result: input };
  }

  async declineUpdate(input: { updateId: string }, caller: Caller): Promise<Changed<{ updateId: string; declined: true; removedApprovalGroupIds: string[] }>> {
    const { decision } = await this.commands.execute({ type: 'DeclineUpdate', updateId: input.updateId }, causationContext(caller));
    const removed = decision.events
      .map((e) => e.event as { type: string; data: { groupId?: string } })
      .filter((e) => e.type === 'UpdateApprovalRemoved')
      .map((e) => e.data.groupId!);
    return { changed: decision.events.length > 0, warnings: [], result: { updateId: input.updateId, declined: true, removedApprovalGroupIds: removed } };
  }

  async undeclineUpdate(input: { updateId: string }, caller: Caller): Promise<Changed<{ updateId: string; declined: false }>> {
    const { decision } = await this.commands.execute({ type: 'UndeclineUpdate', updateId: input.updateId }, causationContext(caller));
    return { changed: decision.events.length > 0, warnings: [], result: { updateId: input.updateId, declined: false } };
  }

  async setTargetingMode(input: { mode: TargetingMode }, caller: Caller): Promise<Changed<{ mode: TargetingMode; changedAt: string | null }>> {
    const { decision } = await this.commands.execute({ type: 'SetTargetingMode', mode: input.mode }, causationContext(caller));
    return { changed: decision.events.length > 0, warnings: [], result: await this.queries.targetingMode() };
  }

  /** Client cookies issued before now get ServerChanged (after a restore from backup). */
  async resetClientState(input: { reason: string }, caller: Caller): Promise<{ resetAt: string; reason: string }> {
    const { decision } = await this.commands.execute({ type: 'ResetClientState', reason: input.reason }, causationContext(caller));
    const event = decision.events[0]!.event;
    return { resetAt: event.metadata.occurredAt, reason: (event.data as { reason: string }).reason };
  }

  /** PUT semantics: the whole configuration, validated by the decider; a refusal changes nothing. */
  async configureServer(input: { settings: unknown; expectedVersion?: number | undefined }, caller: Caller): Promise<Changed<ConfigurationView>> {
    const { decision } = await this.commands.execute(
      { type: 'ConfigureServer', settings: input.settings, ...withoutUndefined({ expectedVersion: input.expectedVersion }) },
      causationContext(caller),
    );
    return { changed: decision.events.length > 0, warnings: [], result: await this.queries.configuration() };
  }

  async createApprovalRule(definition: unknown, caller: Caller): Promise<Changed<ApprovalRuleView>> {
    const ruleId = randomUUID();
    await this.commands.execute({ type: 'CreateApprovalRule', ruleId, definition }, causationContext(caller));
    return { changed: true, warnings: [], result: await this.queries.approvalRule(ruleId) };
  }

  async changeApprovalRule(input: { ruleId: string; changes: unknown }, caller: Caller): Promise<Changed<ApprovalRuleView>> {
    const { decision } = await this.commands.execute({ type: 'ChangeApprovalRule', ...input }, causationContext(caller));
    return { changed: decision.events.length > 0, warnings: [], result: await this.queries.approvalRule(input.ruleId) };
  }

  async deleteApprovalRule(input: { ruleId: string }, caller: Caller): Promise<Changed<{ id: string; deleted: true }>> {
    await this.commands.execute({ type: 'DeleteApprovalRule', ruleId: input.ruleId }, causationContext(caller));
    return { changed: true, warnings: [], result: { id: input.ruleId, deleted: true } };
  }

  /** Applies a rule to the updates already in the catalog; answers with what it approved (and what it skipped, and why). */
  async runApprovalRule(input: { ruleId: string }, caller: Caller): Promise<{ ruleId: string; approved: RuleApplication[]; alreadyApproved: number; skipped: RuleApplication[] }> {
    const results = await this.commands.runApprovalRule(input.ruleId, causationContext(caller));
    return {
      ruleId: input.ruleId,
      approved: results.filter((r) => r.outcome === 'approved'),
      alreadyApproved: results.filter((r) => r.outcome === 'already-approved').length,
      skipped: results.filter((r) => r.outcome === 'skipped'),
    };
  }

  effectiveDeployments(computerId: string): Promise<{ computerId: string; groupIds: readonly string[]; deployments: EffectiveDeployment[] }> {
    return this.queries.effectiveDeployments(computerId);
  }
}

/** A EULA accepted by this request. */
export interface EulaAcceptanceView {
  readonly eulaId: string;
  readonly updateId: string;
  readonly revisionNumber: number;
  readonly acceptedAt: string;
  readonly acceptedBy: string;
}

function acceptancesIn(events: Decision['events'], caller: Caller): EulaAcceptanceView[] {
  return events
    .filter((e) => e.event.type === 'EulaAccepted')
    .map((e) => ({ ...(e.event.data as { eulaId: string; updateId: string; revisionNumber: number }), acceptedAt: e.event.metadata.occurredAt, acceptedBy: caller.actor }));
}

function withoutUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
