/**
 * Codes of the deployment service's refusals. The admin API maps them to HTTP statuses by their
 * suffix (libs/platform/src/admin-api/error-status.ts): `.NOT_FOUND` 404, `.INVALID` 400,
 * `.VERSION_MISMATCH` 412, any other refusal 409.
 */
export const DeploymentErrors = {
  GroupNotFound: 'GROUP.NOT_FOUND',
  ParentGroupNotFound: 'GROUP.PARENT_NOT_FOUND',
  GroupParentNotAllowed: 'GROUP.PARENT_NOT_ALLOWED',
  GroupNameTaken: 'GROUP.NAME_TAKEN',
  GroupBuiltIn: 'GROUP.BUILT_IN',
  GroupHasChildren: 'GROUP.HAS_CHILDREN',
  GroupNotEmpty: 'GROUP.NOT_EMPTY',
  GroupVersionMismatch: 'GROUP.VERSION_MISMATCH',
  MembershipInvalid: 'MEMBERSHIP.INVALID',
  ClientSideTargeting: 'TARGETING.CLIENT_SIDE_MODE',
  UpdateNotFound: 'UPDATE.NOT_FOUND',
  RevisionNotFound: 'UPDATE.REVISION_NOT_FOUND',
  UpdateDeclined: 'UPDATE.DECLINED',
  /** Retired by a cleanup run (UpdateExpired): never approved or un-declined again; 409. */
  UpdateExpired: 'UPDATE.EXPIRED',
  /** Another cleanup run holds the claim (this process or another replica): 409. */
  CleanupAlreadyRunning: 'CLEANUP.ALREADY_RUNNING',
  CleanupRunNotFound: 'CLEANUP.RUN_NOT_FOUND',
  CleanupRequestInvalid: 'CLEANUP.INVALID',
  ApprovalNotFound: 'APPROVAL.NOT_FOUND',
  DeadlineInvalid: 'APPROVAL.DEADLINE_INVALID',
  ApprovalActionInvalid: 'APPROVAL.ACTION_INVALID',
  ConfigurationInvalid: 'CONFIGURATION.INVALID',
  ConfigurationVersionMismatch: 'CONFIGURATION.VERSION_MISMATCH',
  RuleInvalid: 'RULE.INVALID',
  RuleNotFound: 'RULE.NOT_FOUND',
  RuleNameTaken: 'RULE.NAME_TAKEN',
  RuleOnReplica: 'RULE.REPLICA_SERVER',
  /** An install approval of an update (or a bundle member) whose EULA nobody accepted: 409. */
  EulaNotAccepted: 'EULA.NOT_ACCEPTED',
  /** The update revision (and its bundled updates) carry no EULA: 404. */
  EulaNotFound: 'EULA.NOT_FOUND',
} as const;

/** Not a refusal: the approval is stored, the reply carries this so the admin sees it. */
export const SUPERSEDED_WARNING = 'UPDATE.SUPERSEDED';
