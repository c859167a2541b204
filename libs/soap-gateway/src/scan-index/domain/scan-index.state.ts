import type { PackedXml } from './core-fragment.js';
import { ALL_COMPUTERS_GROUP_ID, type ApprovalAction, DEFAULT_SCAN_SETTINGS_DATA, LOG_START, type LogPosition, UNASSIGNED_COMPUTERS_GROUP_ID, type UnapprovedUpdatePolicy } from '#contracts';

export type IndexedUpdateType = 'Software' | 'Driver' | 'Category' | 'Detectoid';
export type TargetingMode = 'server-side' | 'client-side';

export interface IndexedFile {
  /** Base64 SHA-1, as in the update XML. */
  readonly sha1: string;
  readonly fileName: string;
  readonly size: number;
}

/**
 * One WindowsDriverMetaData row, ready for matching (MS-WUSP §3.1.1 Driver tables): ids lower-cased,
 * the version packed into 64 bits, feature scores keyed by lower-cased OperatingSystem.
 */
export interface IndexedDriverRow {
  /** Lower-cased: PnP ids compare case-insensitively. */
  readonly hardwareId: string;
  /** As written, for Deployment.HardwareIds. */
  readonly hardwareIdAsWritten: string;
  /** yyyy-MM-dd: compares as text. */
  readonly driverVerDate: string;
  readonly driverVerVersion: bigint;
  readonly class: string;
  readonly manufacturer: string;
  readonly provider: string;
  readonly model: string;
  readonly whqlDriverId: number | null;
  readonly compatibleProviders: readonly string[];
  /** `amd64.10.0` → score (0-255, lower is better). */
  readonly featureScores: ReadonlyMap<string, number>;
  /** Distribution ∪ Target computer hardware ids (lower-case GUIDs); empty = not targeted. */
  readonly distributionComputerHardwareIds: readonly string[];
  readonly targetComputerHardwareIds: readonly string[];
}

/** One revision as the scan needs it: identity, graph edges and the Core fragment, nothing else. */
export interface RevisionEntry {
  readonly revisionId: number;
  readonly updateId: string;
  readonly revisionNumber: number;
  readonly updateType: IndexedUpdateType;
  /**
   * CategoryInformation/@CategoryType of a Category (Company, ProductFamily, Product,
   * UpdateClassification…); null for other types, and for a Category imported before the type was
   * recorded in UpdateRevisionImported.
   */
  readonly categoryType: string | null;
  /** CNF over update ids: every clause needs one installed member. */
  readonly prerequisites: readonly (readonly string[])[];
  readonly categoryIds: readonly string[];
  /** Member update ids of every bundle clause, flattened (the member's highest revision is served). */
  readonly bundledUpdateIds: readonly string[];
  readonly supersededUpdateIds: readonly string[];
  /** Empty for a revision that is no longer the served one (only served revisions are answered). */
  readonly files: readonly IndexedFile[];
  /** The Core fragment sent as UpdateInfo.Xml, packed (read it with coreXmlOf); empty for a revision that is no longer the served one. */
  readonly core: PackedXml;
  /** Driver revisions: their WindowsDriverMetaData rows (empty otherwise, and for a revision no longer served). */
  readonly drivers: readonly IndexedDriverRow[];
}

export interface UpdateEntry {
  /** The highest revision number seen: the one SyncUpdates serves (MS-WUSP §3.1.5.7). */
  latest: RevisionEntry;
  /** Index version of the last change to what a client sees of this update, whatever its group. */
  changedAt: number;
  /** Date (yyyy-MM-dd) of that change: LastChangeTime of the synthetic Evaluate/Bundle deployments. */
  changedOn: string;
}

export interface ApprovalEntry {
  readonly deploymentId: number;
  readonly groupId: string;
  readonly action: ApprovalAction;
  readonly deadline: string | null;
  /** yyyy-MM-dd of the approval: Deployment.LastChangeTime. */
  readonly changedOn: string;
}

export interface GroupEntry {
  readonly groupId: string;
  name: string;
  readonly parentGroupId: string | null;
  readonly builtIn: boolean;
}

/**
 * The scan index: everything SyncUpdates and GetExtendedUpdateInfo need, held in maps. `evolve`
 * mutates it in place (a copy per event would make catch-up quadratic); readers only run between
 * events, synchronously, so each read sees one consistent state (`version` names it).
 */
export interface ScanIndexState {
  /**
   * Bumped by every applied event; memoized scopes are keyed by it, and change tracking records
   * versions (plain numbers: cheap to compare per cached revision) rather than log positions.
   */
  version: number;
  /**
   * Bumped only by events that can change a scope or the change journal (revisions, approvals,
   * declines, a group deletion). Scopes and journal walks are memoized on it, not on `version`:
   * a computer joining a group (every first scan under client-side targeting) or a renamed group
   * must not make the next call rebuild a scope over the whole catalog.
   */
  catalogVersion: number;
  /** Position of the last applied event: the anchor a client gets in its cookie. */
  position: LogPosition;
  /** The log position of every applied event, by version (index = version − 1): maps an anchor back to a version. */
  readonly appliedPositions: LogPosition[];
  readonly revisions: Map<number, RevisionEntry>;
  /** (updateId, revisionNumber) → revisionId, for GetExtendedUpdateInfo2 and RefreshCache. */
  readonly revisionIdByIdentity: Map<string, number>;
  readonly updates: Map<string, UpdateEntry>;
  /** Category and Detectoid update ids: always in scope with Action Evaluate (as WSUS deploys them). */
  readonly evaluateOnlyUpdates: Set<string>;
  readonly softwareUpdates: Set<string>;
  readonly driverUpdates: Set<string>;
  /** Lower-cased driver HardwareID → driver updateIds whose served revision has a row for it: the driver pass's lookup. */
  readonly driverUpdatesByHardwareId: Map<string, Set<string>>;
  /** updateId → how many latest revisions name it as a prerequisite or category; > 0 means non-leaf. */
  readonly prerequisiteReferences: Map<string, number>;
  /** member updateId → updateIds of the bundles (latest revisions) that contain it. */
  readonly bundleParents: Map<string, Set<string>>;
  /** updateId → groupId → approval. */
  readonly approvals: Map<string, Map<string, ApprovalEntry>>;
  /** groupId → approved updateIds: the roots of a group's scope. */
  readonly approvedUpdatesByGroup: Map<string, Set<string>>;
  /** updateId → groupId → version of the last approval change (approve, re-approve, remove). */
  readonly approvalChangedAt: Map<string, Map<string, number>>;
  readonly declined: Set<string>;
  readonly groups: Map<string, GroupEntry>;
  /** computerId → assigned groups (server-side by an admin, or client-side targeting). */
  readonly memberships: Map<string, readonly string[]>;
  readonly membershipChangedAt: Map<string, number>;
  targetingMode: TargetingMode;
  /**
   * The server configuration's scan settings (ServerConfigurationChanged): held by the index, not
   * read beside it, so a scan's page size and policy belong to the same snapshot as its scope.
   */
  scanSettings: { pageSize: number; unapprovedPolicy: UnapprovedUpdatePolicy };
  /** Last change that may move every client's deployments (targeting mode, group deletion, unapproved-update policy). */
  globalChangedAt: number;
  /**
   * Every stamp of `changedAt` (group null) and `approvalChangedAt` (its group), in version order, as
   * parallel arrays: "what changed after version v" is the tail after v, so a rescan asks once per
   * (anchor, groups) instead of once per cached revision (ScanIndexView.changedUpdatesSince).
   */
  readonly changes: { readonly at: number[]; readonly updateIds: string[]; readonly groupIds: (string | null)[] };
}

export function emptyScanIndexState(): ScanIndexState {
  const groups = new Map<string, GroupEntry>([
    // Built into WSUS and fixed ids: present before any event so that scoping never lacks them.
    [ALL_COMPUTERS_GROUP_ID, { groupId: ALL_COMPUTERS_GROUP_ID, name: 'All Computers', parentGroupId: null, builtIn: true }],
    [
      UNASSIGNED_COMPUTERS_GROUP_ID,
      { groupId: UNASSIGNED_COMPUTERS_GROUP_ID, name: 'Unassigned Computers', parentGroupId: ALL_COMPUTERS_GROUP_ID, builtIn: true },
    ],
  ]);
  return {
    version: 0,
    catalogVersion: 0,
    position: LOG_START,
    appliedPositions: [],
    revisions: new Map(),
    revisionIdByIdentity: new Map(),
    updates: new Map(),
    evaluateOnlyUpdates: new Set(),
    softwareUpdates: new Set(),
    driverUpdates: new Set(),
    driverUpdatesByHardwareId: new Map(),
    prerequisiteReferences: new Map(),
    bundleParents: new Map(),
    approvals: new Map(),
    approvedUpdatesByGroup: new Map(),
    approvalChangedAt: new Map(),
    declined: new Set(),
    groups,
    memberships: new Map(),
    membershipChangedAt: new Map(),
    targetingMode: 'server-side',
    scanSettings: { ...DEFAULT_SCAN_SETTINGS_DATA },
    globalChangedAt: 0,
    changes: { at: [], updateIds: [], groupIds: [] },
  };
}

export const identityKey = (updateId: string, revisionNumber: number): string => `${updateId}/${revisionNumber}`;
