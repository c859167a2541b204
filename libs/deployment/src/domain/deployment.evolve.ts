import { type ApprovalAction, parseServerConfiguration, type RetentionSettings, type UpdateRevisionImportedData } from '#contracts';
import type { ApprovalRuleState, ApprovalState, CatalogRevision, DeploymentState, EulaAcceptanceState, GroupState, TargetingMode } from './deployment.state.js';

/** The part of a stored event evolve needs; RecordedEvent and NewEvent both fit. */
export interface EvolvableEvent {
  readonly type: string;
  readonly data: unknown;
  readonly metadata: { readonly occurredAt: string; readonly actor?: string | null };
}

/** Folds one event into the state. Unknown event types leave it as it is. */
export function evolve(state: DeploymentState, event: EvolvableEvent): DeploymentState {
  const d = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'ComputerGroupCreated': {
      const group: GroupState = {
        id: d.groupId as string,
        name: d.name as string,
        parentId: d.parentGroupId as string | null,
        builtIn: d.builtIn as boolean,
        version: 1,
      };
      return { ...state, groups: with_(state.groups, group.id, group) };
    }
    case 'ComputerGroupRenamed': {
      const group = state.groups.get(d.groupId as string);
      if (!group) return state;
      return { ...state, groups: with_(state.groups, group.id, { ...group, name: d.name as string, version: group.version + 1 }) };
    }
    case 'ComputerGroupDeleted': {
      const groupId = d.groupId as string;
      const approvals = new Map([...state.approvals].map(([u, byGroup]) => [u, without(byGroup, groupId)]));
      const memberships = new Map(
        [...state.memberships].map(([c, groups]) => [c, groups.filter((g) => g !== groupId)] as const),
      );
      return { ...state, groups: without(state.groups, groupId), approvals, memberships };
    }
    case 'ComputerAssignedToGroups':
      return { ...state, memberships: with_(state.memberships, d.computerId as string, [...(d.groupIds as string[])]) };
    case 'UpdateApproved': {
      const approval: ApprovalState = {
        updateId: d.updateId as string,
        groupId: d.groupId as string,
        revisionNumber: d.revisionNumber as number,
        action: d.action as ApprovalAction,
        deadline: d.deadline as string | null,
        deploymentId: d.deploymentId as number,
        changedAt: event.metadata.occurredAt,
      };
      const byGroup = with_(state.approvals.get(approval.updateId) ?? new Map(), approval.groupId, approval);
      return { ...state, approvals: with_(state.approvals, approval.updateId, byGroup) };
    }
    case 'UpdateApprovalRemoved': {
      const byGroup = state.approvals.get(d.updateId as string);
      if (!byGroup) return state;
      return { ...state, approvals: with_(state.approvals, d.updateId as string, without(byGroup, d.groupId as string)) };
    }
    case 'UpdateDeclined':
      return { ...state, declined: new Set([...state.declined, d.updateId as string]) };
    case 'UpdateUndeclined':
      return { ...state, declined: new Set([...state.declined].filter((u) => u !== d.updateId)) };
    case 'EulaAccepted': {
      const eulaId = d.eulaId as string;
      // The first acceptance stands: accepting again changes nothing (and is never decided anyway).
      if (state.acceptedEulas.has(eulaId)) return state;
      const acceptance: EulaAcceptanceState = {
        eulaId,
        updateId: d.updateId as string,
        revisionNumber: d.revisionNumber as number,
        acceptedAt: event.metadata.occurredAt,
        acceptedBy: event.metadata.actor ?? null,
      };
      return { ...state, acceptedEulas: with_(state.acceptedEulas, eulaId, acceptance) };
    }
    case 'TargetingModeChanged':
      return { ...state, targetingMode: d.mode as TargetingMode, configuration: nextConfiguration(state, event) };
    case 'ServerConfigurationChanged':
      return { ...state, configuration: { ...nextConfiguration(state, event), settings: parseServerConfiguration(event.data) } };
    case 'RetentionSettingsChanged':
      return { ...state, configuration: { ...nextConfiguration(state, event), retention: event.data as RetentionSettings } };
    case 'ComputerRemoved':
      return { ...state, memberships: without(state.memberships, d.computerId as string) };
    case 'UpdateExpired':
      return { ...state, expired: new Set([...state.expired, d.updateId as string]) };
    case 'ApprovalRuleCreated': {
      const { enabled, ...definition } = event.data as Omit<ApprovalRuleState, 'createdAt'>;
      const rule: ApprovalRuleState = { ...definition, enabled, createdAt: event.metadata.occurredAt };
      return { ...state, rules: with_(state.rules, rule.ruleId, rule) };
    }
    case 'ApprovalRuleChanged':
    case 'ApprovalRuleEnabled':
    case 'ApprovalRuleDisabled': {
      const rule = state.rules.get(d.ruleId as string);
      if (!rule) return state;
      const changed: ApprovalRuleState =
        event.type === 'ApprovalRuleChanged'
          ? { ...rule, ...(event.data as Omit<ApprovalRuleState, 'createdAt' | 'enabled'>) }
          : { ...rule, enabled: event.type === 'ApprovalRuleEnabled' };
      return { ...state, rules: with_(state.rules, rule.ruleId, changed) };
    }
    case 'ApprovalRuleDeleted':
      return { ...state, rules: without(state.rules, d.ruleId as string) };
    case 'UpdateRevisionImported': {
      const data = event.data as UpdateRevisionImportedData;
      const existing = state.catalog.get(data.updateId);
      const revision: CatalogRevision = {
        supersededUpdateIds: data.supersededUpdateIds,
        eulaId: typeof data.eulaId === 'string' ? data.eulaId.toLowerCase() : null,
        bundled: data.bundledRevisions.flat(),
      };
      const revisions = with_(existing?.revisions ?? new Map(), data.revisionNumber, revision);
      return { ...state, catalog: with_(state.catalog, data.updateId, { updateId: data.updateId, revisions }) };
    }
    default:
      return state;
  }
}

function nextConfiguration(state: DeploymentState, event: EvolvableEvent): DeploymentState['configuration'] {
  return { ...state.configuration, version: state.configuration.version + 1, changedAt: event.metadata.occurredAt };
}

export const evolveAll = (state: DeploymentState, events: readonly EvolvableEvent[]): DeploymentState => events.reduce(evolve, state);

function with_<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): Map<K, V> {
  const copy = new Map(map);
  copy.set(key, value);
  return copy;
}

function without<K, V>(map: ReadonlyMap<K, V>, key: K): Map<K, V> {
  const copy = new Map(map);
  copy.delete(key);
  return copy;
}
