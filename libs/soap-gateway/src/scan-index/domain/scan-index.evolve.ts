import { compareLogPositions, type DriverMetadataRowData, normalizeGuid, parseServerConfiguration, type UpdateRevisionImportedData } from '#contracts';
import { driverVersionToLong } from '#wsus-codecs/update-metadata';
import { EMPTY_PACKED_XML, packXml } from './core-fragment.js';
import type { ScanIndexEvent } from './scan-index.events.js';
import { type ApprovalEntry, identityKey, type IndexedDriverRow, type RevisionEntry, type ScanIndexState } from './scan-index.state.js';

/**
 * Applies one log event to the index. Pure in the sense that matters here (no I/O, no clock: times
 * come from the event), but it mutates `state` and returns it: the index owns its state, and a copy
 * per event would make replaying a catalog of tens of thousands of revisions quadratic.
 */
export function evolveScanIndex(state: ScanIndexState, event: ScanIndexEvent): ScanIndexState {
  // Replays after a reconnect may hand us an event twice; positions are strictly increasing.
  if (state.version > 0 && compareLogPositions(event.position, state.position) <= 0) return state;
  // Changes are stamped with the version this event creates.
  const at = state.version + 1;
  const on = dateOnly(event.occurredAt);
  switch (event.type) {
    case 'UpdateRevisionImported':
      importRevision(state, event.data, at, on);
      break;
    case 'ComputerGroupCreated': {
      const d = event.data;
      state.groups.set(d.groupId, { groupId: d.groupId, name: d.name, parentGroupId: d.parentGroupId, builtIn: d.builtIn });
      break;
    }
    case 'ComputerGroupRenamed': {
      const group = state.groups.get(event.data.groupId);
      if (group) group.name = event.data.name;
      break;
    }
    case 'ComputerGroupDeleted':
      deleteGroup(state, event.data.groupId, at);
      break;
    case 'ComputerAssignedToGroups':
      state.memberships.set(event.data.computerId, [...new Set(event.data.groupIds)]);
      state.membershipChangedAt.set(event.data.computerId, at);
      break;
    case 'UpdateApproved': {
      const d = event.data;
      const approval: ApprovalEntry = { deploymentId: d.deploymentId, groupId: d.groupId, action: d.action, deadline: d.deadline, changedOn: on };
      mapOf(state.approvals, d.updateId).set(d.groupId, approval);
      setOf(state.approvedUpdatesByGroup, d.groupId).add(d.updateId);
      mapOf(state.approvalChangedAt, d.updateId).set(d.groupId, at);
      recordChange(state, at, d.updateId, d.groupId);
      break;
    }
    case 'UpdateApprovalRemoved':
      removeApproval(state, event.data.updateId, event.data.groupId, at);
      break;
    case 'UpdateDeclined':
      state.declined.add(event.data.updateId);
      touchUpdate(state, event.data.updateId, at, on);
      break;
    case 'UpdateUndeclined':
      state.declined.delete(event.data.updateId);
      touchUpdate(state, event.data.updateId, at, on);
      break;
    case 'TargetingModeChanged':
      state.targetingMode = event.data.mode;
      state.globalChangedAt = at;
      break;
    case 'ServerConfigurationChanged': {
      const { scan } = parseServerConfiguration(event.data);
      // Another policy moves deployments (an update that was only a prerequisite becomes PreDeploymentCheck, or leaves scope).
      if (scan.unapprovedPolicy !== state.scanSettings.unapprovedPolicy) state.globalChangedAt = at;
      state.scanSettings = { pageSize: scan.pageSize, unapprovedPolicy: scan.unapprovedPolicy };
      break;
    }
  }
  state.position = event.position;
  state.appliedPositions.push(event.position);
  state.version = at;
  if (CATALOG_EVENTS.has(event.type)) state.catalogVersion = at;
  return state;
}

/**
 * What scopes and the change journal are made of: updates, approvals, declines, groups' approvals.
 * Memberships, group names, the targeting mode and the configuration only change which scope a
 * client is given (its effective groups, the policy in the scope's key), never a scope's content.
 */
const CATALOG_EVENTS: ReadonlySet<ScanIndexEvent['type']> = new Set([
  'UpdateRevisionImported',
  'UpdateApproved',
  'UpdateApprovalRemoved',
  'UpdateDeclined',
  'UpdateUndeclined',
  'ComputerGroupDeleted',
]);

function importRevision(state: ScanIndexState, d: UpdateRevisionImportedData, at: number, on: string): void {
  const updateId = normalizeGuid(d.updateId);
  const known = state.revisions.get(d.revisionId);
  const core = packXml(d.coreXml);
  // Re-imports of the same revision (sync retries) are idempotent on the revision id (packing is deterministic).
  if (known !== undefined && known.updateId === updateId && known.revisionNumber === d.revisionNumber && known.core === core) return;
  const revision: RevisionEntry = {
    revisionId: d.revisionId,
    updateId,
    revisionNumber: d.revisionNumber,
    updateType: d.updateType,
    categoryType: d.updateType === 'Category' ? (d.categoryType ?? null) : null,
    prerequisites: d.prerequisites.map((clause) => clause.map(normalizeGuid)),
    categoryIds: d.categoryIds.map(normalizeGuid),
    bundledUpdateIds: [...new Set(d.bundledRevisions.flat().map((m) => normalizeGuid(m.updateId)))],
    supersededUpdateIds: d.supersededUpdateIds.map(normalizeGuid),
    files: d.files.map((f) => ({ sha1: f.sha1, fileName: f.fileName, size: f.size })),
    core,
    drivers: d.updateType === 'Driver' ? (d.drivers ?? []).map(indexDriverRow) : [],
  };
  state.revisions.set(revision.revisionId, revision);
  state.revisionIdByIdentity.set(identityKey(updateId, revision.revisionNumber), revision.revisionId);

  const entry = state.updates.get(updateId);
  // An older revision arriving late (sync order) is kept for lookups but does not replace the served one.
  if (entry !== undefined && entry.latest.revisionNumber > revision.revisionNumber) {
    state.revisions.set(revision.revisionId, slim(revision));
    return;
  }
  const previous = entry?.latest;
  // Only served revisions keep their Core fragment and files: memory stays proportional to the updates, not their history.
  if (previous !== undefined && previous.revisionId !== revision.revisionId) state.revisions.set(previous.revisionId, slim(previous));
  if (entry === undefined) state.updates.set(updateId, { latest: revision, changedAt: at, changedOn: on });
  else {
    entry.latest = revision;
    entry.changedAt = at;
    entry.changedOn = on;
  }
  recordChange(state, at, updateId, null);
  for (const set of [state.evaluateOnlyUpdates, state.softwareUpdates, state.driverUpdates]) set.delete(updateId);
  if (revision.updateType === 'Category' || revision.updateType === 'Detectoid') state.evaluateOnlyUpdates.add(updateId);
  else if (revision.updateType === 'Driver') state.driverUpdates.add(updateId);
  else state.softwareUpdates.add(updateId);
  // The hardware-id lookup follows the served revision only.
  for (const row of previous?.drivers ?? []) {
    const ids = state.driverUpdatesByHardwareId.get(row.hardwareId);
    ids?.delete(updateId);
    if (ids?.size === 0) state.driverUpdatesByHardwareId.delete(row.hardwareId);
  }
  for (const row of revision.drivers) setOf(state.driverUpdatesByHardwareId, row.hardwareId).add(updateId);

  // IsLeaf is a catalog-wide fact: moving the served revision moves the references it holds.
  const before = previous === undefined ? new Set<string>() : referencedUpdates(previous);
  const after = referencedUpdates(revision);
  for (const id of before) if (!after.has(id)) addReference(state, id, -1, at, on);
  for (const id of after) if (!before.has(id)) addReference(state, id, +1, at, on);

  const membersBefore = new Set(previous?.bundledUpdateIds ?? []);
  const membersAfter = new Set(revision.bundledUpdateIds);
  for (const member of membersBefore) {
    if (membersAfter.has(member)) continue;
    const parents = state.bundleParents.get(member);
    parents?.delete(updateId);
    if (parents?.size === 0) state.bundleParents.delete(member);
    touchUpdate(state, member, at, on);
  }
  for (const member of membersAfter) {
    if (membersBefore.has(member)) continue;
    setOf(state.bundleParents, member).add(updateId);
    touchUpdate(state, member, at, on);
  }
}

function slim(revision: RevisionEntry): RevisionEntry {
  return { ...revision, core: EMPTY_PACKED_XML, files: [], drivers: [] };
}

function indexDriverRow(row: DriverMetadataRowData): IndexedDriverRow {
  return {
    hardwareId: row.hardwareId.toLowerCase(),
    hardwareIdAsWritten: row.hardwareId,
    driverVerDate: row.driverVerDate,
    // The contract only admits four-part versions; 0 would only make a malformed row lose every tie.
    driverVerVersion: driverVersionToLong(row.driverVerVersion) ?? 0n,
    class: row.class,
    manufacturer: row.manufacturer,
    provider: row.provider,
    model: row.model,
    whqlDriverId: row.whqlDriverId,
    compatibleProviders: row.compatibleProviders,
    featureScores: new Map(row.featureScores.map((f) => [f.operatingSystem.toLowerCase(), f.featureScore])),
    distributionComputerHardwareIds: row.distributionComputerHardwareIds.map(normalizeGuid),
    targetComputerHardwareIds: row.targetComputerHardwareIds.map(normalizeGuid),
  };
}

/** Categories count as prerequisite targets (observed: IsCategory targets are non-leaf). */
function referencedUpdates(revision: RevisionEntry): Set<string> {
  const ids = new Set<string>(revision.categoryIds);
  for (const clause of revision.prerequisites) for (const id of clause) ids.add(id);
  ids.delete(revision.updateId);
  return ids;
}

function addReference(state: ScanIndexState, updateId: string, delta: number, at: number, on: string): void {
  const before = state.prerequisiteReferences.get(updateId) ?? 0;
  const after = Math.max(0, before + delta);
  if (after === 0) state.prerequisiteReferences.delete(updateId);
  else state.prerequisiteReferences.set(updateId, after);
  // Only a flip of IsLeaf is a change a client must hear about (ChangedUpdates).
  if ((before === 0) !== (after === 0)) touchUpdate(state, updateId, at, on);
}

function removeApproval(state: ScanIndexState, updateId: string, groupId: string, at: number): void {
  const byGroup = state.approvals.get(updateId);
  byGroup?.delete(groupId);
  if (byGroup?.size === 0) state.approvals.delete(updateId);
  const updates = state.approvedUpdatesByGroup.get(groupId);
  updates?.delete(updateId);
  if (updates?.size === 0) state.approvedUpdatesByGroup.delete(groupId);
  mapOf(state.approvalChangedAt, updateId).set(groupId, at);
  recordChange(state, at, updateId, groupId);
}

/**
 * A deleted group takes its approvals with it, and its members and sub-groups lose what they
 * inherited. Rare enough to mark every client's view as changed rather than track who was affected.
 */
function deleteGroup(state: ScanIndexState, groupId: string, at: number): void {
  const group = state.groups.get(groupId);
  if (group?.builtIn) return;
  for (const updateId of [...(state.approvedUpdatesByGroup.get(groupId) ?? [])]) removeApproval(state, updateId, groupId, at);
  state.groups.delete(groupId);
  state.globalChangedAt = at;
}

function touchUpdate(state: ScanIndexState, updateId: string, at: number, on: string): void {
  const entry = state.updates.get(updateId);
  if (entry === undefined) return;
  entry.changedAt = at;
  entry.changedOn = on;
  recordChange(state, at, updateId, null);
}

/** Journals a `changedAt` (groupId null) or `approvalChangedAt` stamp; see ScanIndexState.changes. */
function recordChange(state: ScanIndexState, at: number, updateId: string, groupId: string | null): void {
  const { changes } = state;
  const last = changes.at.length - 1;
  // One event often touches an update twice (new revision, then a leaf flip): one entry is enough.
  if (last >= 0 && changes.at[last] === at && changes.updateIds[last] === updateId && changes.groupIds[last] === groupId) return;
  changes.at.push(at);
  changes.updateIds.push(updateId);
  changes.groupIds.push(groupId);
}

function mapOf<K, V>(map: Map<string, Map<K, V>>, key: string): Map<K, V> {
  let inner = map.get(key);
  if (inner === undefined) map.set(key, (inner = new Map()));
  return inner;
}

function setOf(map: Map<string, Set<string>>, key: string): Set<string> {
  let inner = map.get(key);
  if (inner === undefined) map.set(key, (inner = new Set()));
  return inner;
}

/** `yyyy-MM-dd` in UTC, the s:date form WS2025 sends as LastChangeTime. */
export function dateOnly(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '1970-01-01' : new Date(t).toISOString().slice(0, 10);
}
