import { z } from 'zod';
import { defineEvent } from '../events/event-schema-registry.js';
import { GUID_PATTERN } from '../well-known/well-known-ids.js';

const guid = z.string().regex(GUID_PATTERN, 'lower-case GUID');

/** MS-WUSP DeploymentAction values an administrator can choose. */
export const APPROVAL_ACTIONS = ['Install', 'Uninstall', 'OptionalInstall', 'PreDeploymentCheck', 'Block'] as const;
export type ApprovalAction = (typeof APPROVAL_ACTIONS)[number];

export const ComputerGroupCreated = defineEvent(
  'ComputerGroupCreated',
  1,
  z.object({ groupId: guid, name: z.string().min(1).max(256), parentGroupId: guid.nullable(), builtIn: z.boolean() }),
);
export const ComputerGroupRenamed = defineEvent('ComputerGroupRenamed', 1, z.object({ groupId: guid, name: z.string().min(1).max(256) }));
export const ComputerGroupDeleted = defineEvent('ComputerGroupDeleted', 1, z.object({ groupId: guid }));

/** Server-side targeting by an admin, or client-side targeting from the client's requested group names. */
export const ComputerAssignedToGroups = defineEvent(
  'ComputerAssignedToGroups',
  1,
  z.object({ computerId: z.string().min(1).max(256), groupIds: z.array(guid).min(1), by: z.enum(['admin', 'client-side-targeting']) }),
);

export const UpdateApproved = defineEvent(
  'UpdateApproved',
  1,
  z.object({
    /** Server-assigned Deployment.ID sent to clients. */
    deploymentId: z.number().int().positive(),
    updateId: guid,
    revisionNumber: z.number().int().nonnegative(),
    groupId: guid,
    action: z.enum(APPROVAL_ACTIONS),
    /** ISO 8601, or null for no deadline. */
    deadline: z.string().datetime().nullable(),
  }),
);
export const UpdateApprovalRemoved = defineEvent('UpdateApprovalRemoved', 1, z.object({ updateId: guid, groupId: guid }));
export const UpdateDeclined = defineEvent('UpdateDeclined', 1, z.object({ updateId: guid }));
export const UpdateUndeclined = defineEvent('UpdateUndeclined', 1, z.object({ updateId: guid }));

export const TARGETING_MODES = ['server-side', 'client-side'] as const;
export const TargetingModeChanged = defineEvent('TargetingModeChanged', 1, z.object({ mode: z.enum(TARGETING_MODES) }));

export const DEPLOYMENT_EVENTS = [
  ComputerGroupCreated,
  ComputerGroupRenamed,
  ComputerGroupDeleted,
  ComputerAssignedToGroups,
  UpdateApproved,
  UpdateApprovalRemoved,
  UpdateDeclined,
  UpdateUndeclined,
  TargetingModeChanged,
] as const;

export const groupStream = (groupId: string): string => `group-${groupId}`;
export const computerMembershipStream = (computerId: string): string => `membership-${computerId}`;
export const updateApprovalStream = (updateId: string): string => `approval-${updateId}`;
export const SERVER_CONFIGURATION_STREAM = 'server-configuration';
