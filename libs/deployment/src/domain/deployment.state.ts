import {
  ALL_COMPUTERS_GROUP_ID,
  type ApprovalAction,
  DEFAULT_RETENTION_SETTINGS,
  type RetentionSettings,
  type ServerConfigurationData,
  UNASSIGNED_COMPUTERS_GROUP_ID,
} from '#contracts';
import { DEFAULT_SERVER_CONFIGURATION } from '../configure-server/server-configuration.js';

export type TargetingMode = 'server-side' | 'client-side';

/**
 * WSUS ships in server-side mode ("Use the Update Services console"): nothing a client asks for
 * changes its groups until an administrator switches to client-side targeting.
 */
export const DEFAULT_TARGETING_MODE: TargetingMode = 'server-side';

export interface GroupState {
  readonly id: string;
  readonly name: string;
  readonly parentId: string | null;
  readonly builtIn: boolean;
  /** Version of the group's stream (its ETag): how many events it has. */
  readonly version: number;
}

export interface ApprovalState {
  readonly updateId: string;
  readonly groupId: string;
  readonly revisionNumber: number;
  readonly action: ApprovalAction;
  readonly deadline: string | null;
  readonly deploymentId: number;
  /** When this approval was last set (the event's occurredAt). */
  readonly changedAt: string;
}

/** The settings of the last ServerConfigurationChanged, and the version of the configuration stream (the ETag). */
export interface ConfigurationState {
  readonly settings: ServerConfigurationData;
  /** The last RetentionSettingsChanged (DEFAULT_RETENTION_SETTINGS before the first). */
  readonly retention: RetentionSettings;
  /** Events in the configuration stream (TargetingModeChanged counts too): 0 before the first. */
  readonly version: number;
  readonly changedAt: string | null;
}

export interface ApprovalRuleState {
  readonly ruleId: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly classificationIds: readonly string[];
  readonly productIds: readonly string[];
  readonly groupIds: readonly string[];
  readonly action: 'Install';
  readonly deadlineOffsetDays: number | null;
  /** When the rule was created: it applies to revisions imported from then on. */
  readonly createdAt: string;
}

export interface BundledRevision {
  readonly updateId: string;
  readonly revisionNumber: number;
}

export interface CatalogRevision {
  readonly supersededUpdateIds: readonly string[];
  /** `Properties/@EulaID` (lower-case): the license that must be accepted before an install approval; null = none. */
  readonly eulaId: string | null;
  /** Flattened members when this revision is a bundle; empty otherwise. */
  readonly bundled: readonly BundledRevision[];
}

export interface CatalogUpdate {
  readonly updateId: string;
  readonly revisions: ReadonlyMap<number, CatalogRevision>;
}

/** An accepted EULA (MS-WSUSSS EULAs table, Accepted): who, when, through which update revision. */
export interface EulaAcceptanceState {
  readonly eulaId: string;
  readonly updateId: string;
  readonly revisionNumber: number;
  readonly acceptedAt: string;
  readonly acceptedBy: string | null;
}

/**
 * What the deployment service decides with. Handlers load only the slice a command touches (the whole
 * group tree, the computers, approvals and catalog entries involved); tests build it with evolve().
 */
export interface DeploymentState {
  readonly groups: ReadonlyMap<string, GroupState>;
  /** Explicit groups per computer; a computer absent here is in Unassigned Computers. */
  readonly memberships: ReadonlyMap<string, readonly string[]>;
  /** updateId → groupId → approval. */
  readonly approvals: ReadonlyMap<string, ReadonlyMap<string, ApprovalState>>;
  readonly declined: ReadonlySet<string>;
  /** Updates retired by cleanup (UpdateExpired): never approved, undeclined or offered again. */
  readonly expired: ReadonlySet<string>;
  readonly targetingMode: TargetingMode;
  readonly catalog: ReadonlyMap<string, CatalogUpdate>;
  readonly configuration: ConfigurationState;
  readonly rules: ReadonlyMap<string, ApprovalRuleState>;
  /** eulaId → acceptance; loaded for the EULAs of the catalog entries in scope. */
  readonly acceptedEulas: ReadonlyMap<string, EulaAcceptanceState>;
}

export const EMPTY_STATE: DeploymentState = {
  groups: new Map(),
  memberships: new Map(),
  approvals: new Map(),
  declined: new Set(),
  expired: new Set(),
  targetingMode: DEFAULT_TARGETING_MODE,
  catalog: new Map(),
  configuration: { settings: DEFAULT_SERVER_CONFIGURATION, retention: DEFAULT_RETENTION_SETTINGS, version: 0, changedAt: null },
  rules: new Map(),
  acceptedEulas: new Map(),
};

export const BUILT_IN_GROUPS = [
  { groupId: ALL_COMPUTERS_GROUP_ID, name: 'All Computers', parentGroupId: null },
  { groupId: UNASSIGNED_COMPUTERS_GROUP_ID, name: 'Unassigned Computers', parentGroupId: ALL_COMPUTERS_GROUP_ID },
] as const;

/** WSUS compares group names without regard to case. */
export const groupNameKey = (name: string): string => name.trim().toLocaleLowerCase('en-US');

export const latestRevision = (update: CatalogUpdate): number => Math.max(...update.revisions.keys());

/** Updates whose latest revision supersedes this one (WSUS shows such an update as superseded). */
export function supersedingUpdates(state: DeploymentState, updateId: string): string[] {
  const result: string[] = [];
  for (const entry of state.catalog.values()) {
    if (entry.updateId === updateId || entry.revisions.size === 0) continue;
    if (entry.revisions.get(latestRevision(entry))?.supersededUpdateIds.includes(updateId)) result.push(entry.updateId);
  }
  return result.sort();
}

/** The computer's explicit groups, Unassigned Computers when it has none. */
export function explicitGroups(state: DeploymentState, computerId: string): readonly string[] {
  const groups = state.memberships.get(computerId);
  return groups && groups.length > 0 ? groups : [UNASSIGNED_COMPUTERS_GROUP_ID];
}

/** The group and its ancestors, most specific first; stops at a missing group or a cycle. */
export function ancestry(groups: ReadonlyMap<string, GroupState>, groupId: string): string[] {
  const chain: string[] = [];
  let current: string | null = groupId;
  while (current !== null && !chain.includes(current)) {
    const group = groups.get(current);
    if (!group) break;
    chain.push(current);
    current = group.parentId;
  }
  // Every group hangs under All Computers; it applies to everyone even if the chain was cut short.
  if (!chain.includes(ALL_COMPUTERS_GROUP_ID)) chain.push(ALL_COMPUTERS_GROUP_ID);
  return chain;
}
