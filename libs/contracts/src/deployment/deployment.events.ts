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

/**
 * An administrator accepted the license terms of a EULA (MS-WSUSSS EULAs table: EulaID → Accepted),
 * on the way to approving the update that carries it. Keyed by the EulaID: several updates (and
 * every revision of one) may share a EULA, and accepting it once covers them all, as in WSUS. The
 * update and revision record which one the administrator was looking at; who and when are the
 * event's actor and occurredAt. WSUS has no way to take an acceptance back, nor has Watershed.
 */
export const EulaAccepted = defineEvent(
  'EulaAccepted',
  1,
  z.object({ eulaId: guid, updateId: guid, revisionNumber: z.number().int().nonnegative() }),
);

export const TARGETING_MODES = ['server-side', 'client-side'] as const;
export const TargetingModeChanged = defineEvent('TargetingModeChanged', 1, z.object({ mode: z.enum(TARGETING_MODES) }));


/**
 * Server configuration (MS-WSUSOD 2.5.3.1) as one event carrying every setting but the targeting
 * mode: the settings are validated together (the upstream URL depends on the role), so one event is
 * one consistent configuration, and the latest one is the whole truth. The targeting mode keeps its
 * own event (TargetingModeChanged) because the gateway's configuration view and scan index read it.
 */
export const SERVER_ROLES = ['root', 'autonomous-downstream', 'replica-downstream'] as const;
export const ROLLUP_MODES = ['detailed', 'summary'] as const;
export type RollupMode = (typeof ROLLUP_MODES)[number];
export const CONTENT_MODES = ['store-content', 'metadata-only', 'download-after-approval'] as const;
/**
 * Which unapproved software updates a client sees: `approved-only` (its groups' approvals and what
 * they depend on) or `detect` (every update not declined, unapproved ones with PreDeploymentCheck).
 */
export const UNAPPROVED_POLICIES = ['approved-only', 'detect'] as const;
export type UnapprovedUpdatePolicy = (typeof UNAPPROVED_POLICIES)[number];
/** WS2025 sends 30 NewUpdates per SyncUpdates page (observed-interop.md). */
export const DEFAULT_SCAN_PAGE_SIZE = 30;
/** WSUS 3.x truncated at 200 (MS-WUSP <55>): no real client was ever handed a larger page. */
export const MAX_SCAN_PAGE_SIZE = 200;
/**
 * Scan settings the gateways apply to SyncUpdates. Events written before these settings existed do
 * not carry them: the default (WS2025's page size, approved updates only) is what those servers ran.
 */
export const DEFAULT_SCAN_SETTINGS_DATA = { pageSize: DEFAULT_SCAN_PAGE_SIZE, unapprovedPolicy: 'approved-only' } as const;
export const scanSettingsSchema = z.object({
  /** NewUpdates per SyncUpdates page: 1 to MAX_SCAN_PAGE_SIZE. */
  pageSize: z.number().int().min(1).max(MAX_SCAN_PAGE_SIZE),
  unapprovedPolicy: z.enum(UNAPPROVED_POLICIES),
});
const syncSchedule = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('manual') }),
  z.object({
    mode: z.literal('daily'),
    /** Local server time, HH:MM (24 h). */
    at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    /** A random delay up to this many minutes, so downstream servers do not all ask at once. */
    randomOffsetMinutes: z.number().int().min(0).max(720),
  }),
]);
export const ServerConfigurationChanged = defineEvent(
  'ServerConfigurationChanged',
  1,
  z.object({
    role: z.enum(SERVER_ROLES),
    /** http(s) URL of the upstream server; null exactly when the role is root. */
    upstreamServerUrl: z.string().url().nullable(),
    syncSchedule,
    rollup: z.enum(ROLLUP_MODES),
    /** Update ids of the product / classification categories to keep; empty = all. */
    productIds: z.array(guid),
    classificationIds: z.array(guid),
    /** Language codes (`en`, `pt-br`) to keep; empty = all. */
    languages: z.array(z.string()),
    contentMode: z.enum(CONTENT_MODES),
    /** http(s)://host[:port] clients download content from; null = the request's Host. */
    contentBaseUrl: z.string().nullable(),
    /** Absent in events written before it existed: read with `parseServerConfiguration`. */
    scan: scanSettingsSchema.default({ ...DEFAULT_SCAN_SETTINGS_DATA }),
  }),
);
export type ServerConfigurationData = z.infer<typeof ServerConfigurationChanged.schema>;

/**
 * The server's client-facing state was reset (typically: the store was restored from a backup, so
 * RevisionIDs and anchors handed out after the backup mean nothing now). Every client cookie sealed
 * before it gets ServerChanged, and the client re-handshakes and re-maps its cache (RefreshCache).
 */
export const ClientStateReset = defineEvent('ClientStateReset', 1, z.object({ reason: z.string().max(500) }));

/**
 * A stored ServerConfigurationChanged's data (or a projection row of it) with the settings added
 * since it was written filled in with their defaults. The store validated it at append, so only
 * defaults are applied here; data that no longer parses is a bug worth failing loudly on.
 */
export function parseServerConfiguration(data: unknown): ServerConfigurationData {
  return ServerConfigurationChanged.schema.parse(data);
}

/**
 * Retention (the WSUS Server Cleanup Wizard, run on a schedule): its own event on the configuration
 * stream, like TargetingModeChanged, because the cleanup scheduler reads only this; being on the same
 * stream it moves the configuration's ETag like any other setting. Each number is days.
 */
export const CLEANUP_TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
export const retentionSettingsSchema = z.object({
  /** `off`, or `daily HH:MM` (server time, UTC). */
  schedule: z.union([z.literal('off'), z.string().regex(/^daily ([01]\d|2[0-3]):[0-5]\d$/)]),
  supersededUpdateDays: z.number().int().min(1).max(3650),
  declinedUpdateDays: z.number().int().min(1).max(3650),
  staleComputerDays: z.number().int().min(1).max(3650),
  reportEventDays: z.number().int().min(1).max(3650),
});
export type RetentionSettings = z.infer<typeof retentionSettingsSchema>;
/**
 * What a server runs with until an administrator says otherwise: the WSUS wizard's own 30 days for
 * superseded and declined updates and for computers that stopped contacting the server, a nightly
 * run at 03:00 (WSUS's own maintenance hour, off business time), and 90 days of report events (a
 * quarter of history for the status pages; a computer's current status never depends on them).
 */
export const DEFAULT_RETENTION_SETTINGS: RetentionSettings = {
  schedule: 'daily 03:00',
  supersededUpdateDays: 30,
  declinedUpdateDays: 30,
  staleComputerDays: 30,
  reportEventDays: 90,
};
export const RetentionSettingsChanged = defineEvent('RetentionSettingsChanged', 1, retentionSettingsSchema);

/**
 * An update retired by cleanup: declined (if it was not) with every approval removed, and from now on
 * never approved, undeclined or offered again. WSUS's "expired" state.
 */
export const UPDATE_EXPIRY_REASONS = ['superseded', 'declined'] as const;
export const UpdateExpired = defineEvent(
  'UpdateExpired',
  1,
  z.object({ updateId: guid, reason: z.enum(UPDATE_EXPIRY_REASONS), runId: z.string().uuid(), supersededBy: z.array(guid).default([]) }),
);

export const CLEANUP_TRIGGERS = ['manual', 'schedule'] as const;
/**
 * A cleanup run claimed the cleanup stream. The claim is the append itself (optimistic concurrency on
 * the stream version), so two processes cannot both start a run, and `slot` (the scheduled time a
 * scheduled run is for) lets any process see that a slot was already taken.
 */
export const CleanupRunStarted = defineEvent(
  'CleanupRunStarted',
  1,
  z.object({ runId: z.string().uuid(), trigger: z.enum(CLEANUP_TRIGGERS), dryRun: z.boolean(), slot: z.string().datetime().nullable(), settings: retentionSettingsSchema }),
);
const cleanupCounts = z.object({
  expiredSupersededUpdates: z.number().int().nonnegative(),
  expiredDeclinedUpdates: z.number().int().nonnegative(),
  removedApprovals: z.number().int().nonnegative(),
  removedComputers: z.number().int().nonnegative().default(0),
  /** Client report events deleted (report-event retention, reportEventDays), and of how many computers. */
  prunedReportEvents: z.number().int().nonnegative().default(0),
  prunedReportComputers: z.number().int().nonnegative().default(0),
  /** Update files no live revision names, deleted from the content directory (metadata store). */
  deletedContentFiles: z.number().int().nonnegative().default(0),
  /** Uploads no live revision uses, older than the retention, deleted. */
  deletedUploads: z.number().int().nonnegative().default(0),
  /** Bytes those files and uploads took. */
  freedContentBytes: z.number().int().nonnegative().default(0),
});
export const CleanupRunCompleted = defineEvent(
  'CleanupRunCompleted',
  1,
  z.object({
    runId: z.string().uuid(),
    dryRun: z.boolean(),
    /** completed-with-errors: a part owned by another service (reporting) could not be done this time. */
    outcome: z.enum(['completed', 'completed-with-errors', 'failed']),
    counts: cleanupCounts,
    /** What went (or, in a dry run, would go): update ids, at most the first 1000 of each kind. */
    expiredUpdateIds: z.array(guid),
    removedComputerIds: z.array(z.string()).default([]),
    /** Content paths deleted (or that would be), at most the first 1000. */
    deletedContentPaths: z.array(z.string()).default([]),
    error: z.string().nullable().default(null),
    /** Parts that failed: which, and the error's code and message. */
    errors: z.array(z.object({ part: z.string(), code: z.string(), message: z.string() })).default([]),
  }),
);
export type CleanupRunCounts = z.infer<typeof cleanupCounts>;

/** Automatic approval rules: match classification × product, approve for groups. */
export const AUTO_APPROVAL_ACTIONS = ['Install'] as const;
const ruleDefinition = {
  ruleId: guid,
  name: z.string().min(1).max(256),
  /** Classification category ids; empty = any classification. */
  classificationIds: z.array(guid),
  /** Product (or product family) category ids; empty = any product. */
  productIds: z.array(guid),
  groupIds: z.array(guid).min(1),
  action: z.enum(AUTO_APPROVAL_ACTIONS),
  /** Deadline = approval time + this many days; null = no deadline. */
  deadlineOffsetDays: z.number().int().min(1).max(3650).nullable(),
};
export const ApprovalRuleCreated = defineEvent('ApprovalRuleCreated', 1, z.object({ ...ruleDefinition, enabled: z.boolean() }));
export const ApprovalRuleChanged = defineEvent('ApprovalRuleChanged', 1, z.object(ruleDefinition));
export const ApprovalRuleEnabled = defineEvent('ApprovalRuleEnabled', 1, z.object({ ruleId: guid }));
export const ApprovalRuleDisabled = defineEvent('ApprovalRuleDisabled', 1, z.object({ ruleId: guid }));
export const ApprovalRuleDeleted = defineEvent('ApprovalRuleDeleted', 1, z.object({ ruleId: guid }));

export const DEPLOYMENT_EVENTS = [
  ComputerGroupCreated,
  ComputerGroupRenamed,
  ComputerGroupDeleted,
  ComputerAssignedToGroups,
  UpdateApproved,
  UpdateApprovalRemoved,
  UpdateDeclined,
  UpdateUndeclined,
  EulaAccepted,
  TargetingModeChanged,
  ServerConfigurationChanged,
  ClientStateReset,
  ApprovalRuleCreated,
  ApprovalRuleChanged,
  ApprovalRuleEnabled,
  ApprovalRuleDisabled,
  ApprovalRuleDeleted,
  RetentionSettingsChanged,
  UpdateExpired,
  CleanupRunStarted,
  CleanupRunCompleted,
] as const;

export const groupStream = (groupId: string): string => `group-${groupId}`;
export const computerMembershipStream = (computerId: string): string => `membership-${computerId}`;
export const updateApprovalStream = (updateId: string): string => `approval-${updateId}`;
export const eulaStream = (eulaId: string): string => `eula-${eulaId}`;
export const SERVER_CONFIGURATION_STREAM = 'server-configuration';
/** ClientStateReset events: their own stream, so a reset does not move the configuration's ETag. */
export const CLIENT_STATE_STREAM = 'client-state';
/** CleanupRunStarted / CleanupRunCompleted: the history of cleanup runs and the claim of the next one. */
export const CLEANUP_RUNS_STREAM = 'cleanup-runs';
export const approvalRuleStream = (ruleId: string): string => `approval-rule-${ruleId}`;
