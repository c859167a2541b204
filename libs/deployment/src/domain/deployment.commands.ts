import type { ApprovalAction } from '#contracts';
import type { TargetingMode } from './deployment.state.js';

/** What an administrator (or a client, for client-side targeting) asks the deployment service to do. */
export type DeploymentCommand =
  | { readonly type: 'CreateGroup'; readonly groupId: string; readonly name: string; readonly parentId: string }
  | { readonly type: 'RenameGroup'; readonly groupId: string; readonly name: string; readonly expectedVersion?: number }
  | {
      readonly type: 'DeleteGroup';
      readonly groupId: string;
      /** The only way a group with members goes: its computers are moved, never dropped silently. */
      readonly moveMembersToUnassigned: boolean;
      readonly expectedVersion?: number;
    }
  | { readonly type: 'AssignComputer'; readonly computerId: string; readonly groupIds: readonly string[] }
  | { readonly type: 'ResolveClientTargeting'; readonly computerId: string; readonly requestedGroupNames: readonly string[] }
  | {
      readonly type: 'ApproveUpdate';
      readonly updateId: string;
      readonly groupId: string;
      readonly action: ApprovalAction;
      readonly deadline: string | null;
      readonly revisionNumber?: number;
      /**
       * The administrator accepts the license terms of every EULA this approval needs (the
       * console's "I accept" on the approval dialog): EulaAccepted is recorded with the approval.
       */
      readonly acceptEula?: boolean;
      /** Allocated by the caller (a SQL sequence) so the decider stays pure. */
      readonly deploymentId: number;
    }
  | {
      /** Accepts the license terms of the update revision's EULA and of its bundled updates' (IUpdate.AcceptLicenseAgreement). */
      readonly type: 'AcceptEula';
      readonly updateId: string;
      readonly revisionNumber?: number;
    }
  | { readonly type: 'RemoveApproval'; readonly updateId: string; readonly groupId: string }
  | { readonly type: 'DeclineUpdate'; readonly updateId: string }
  | { readonly type: 'UndeclineUpdate'; readonly updateId: string }
  | { readonly type: 'SetTargetingMode'; readonly mode: TargetingMode }
  | {
      readonly type: 'ConfigureServer';
      /** Unvalidated: the decider validates the whole configuration (a refusal changes nothing). */
      readonly settings: unknown;
      /** The configuration's version the admin read (If-Match). */
      readonly expectedVersion?: number;
    }
  /** After a restore: every client cookie issued before is refused with ServerChanged. */
  | { readonly type: 'ResetClientState'; readonly reason: string }
  | { readonly type: 'CreateApprovalRule'; readonly ruleId: string; readonly definition: unknown }
  | { readonly type: 'ChangeApprovalRule'; readonly ruleId: string; readonly changes: unknown }
  | { readonly type: 'DeleteApprovalRule'; readonly ruleId: string };
