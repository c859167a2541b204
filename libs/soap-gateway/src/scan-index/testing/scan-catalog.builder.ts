import type { ApprovalAction, DriverMetadataRowData, LogPosition } from '#contracts';
import { encodeAnchor } from '#contracts';
import type { SyncUpdateParameters } from '#wsus-codecs';
import { evolveScanIndex } from '../domain/scan-index.evolve.js';
import type { ScanIndexEventData } from '../domain/scan-index.events.js';
import { emptyScanIndexState, type IndexedUpdateType, type ScanIndexState } from '../domain/scan-index.state.js';
import { ScanIndexView } from '../domain/scan-index.view.js';
import type { ScanScope, ScopeEntry } from '../domain/scan-scope.js';

/** Test-only: deterministic GUIDs from a small number (`guid(7)` → `00000000-0000-4000-8000-000000000007`). */
export const guid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export interface RevisionSpec {
  readonly revisionId: number;
  readonly updateId: string;
  readonly revisionNumber?: number;
  readonly type?: IndexedUpdateType;
  /** CategoryType of a Category (Company, ProductFamily, Product, UpdateClassification); absent = not recorded (legacy event). */
  readonly categoryType?: string;
  readonly prerequisites?: readonly (readonly string[])[];
  readonly categoryIds?: readonly string[];
  readonly bundled?: readonly string[];
  readonly files?: readonly { sha1: string; fileName: string; size: number }[];
  readonly coreXml?: string;
  /** Driver revisions: WindowsDriverMetaData rows (defaults filled by `driverRow`). */
  readonly drivers?: readonly DriverMetadataRowData[];
}

/** Test-only: a driver row with neutral defaults (no CHID targeting, no feature score). */
export function driverRow(hardwareId: string, overrides: Partial<DriverMetadataRowData> = {}): DriverMetadataRowData {
  return {
    hardwareId,
    driverVerDate: '2024-01-01',
    driverVerVersion: '1.0.0.0',
    class: 'System',
    manufacturer: 'Contoso',
    provider: 'Contoso',
    model: `Device ${hardwareId}`,
    whqlDriverId: null,
    compatibleProviders: [],
    featureScores: [],
    distributionComputerHardwareIds: [],
    targetComputerHardwareIds: [],
    ...overrides,
  };
}

/**
 * Test-only: a scan index fed with events in memory, with log positions that grow by one per event,
 * so given/when/then tests of the index and of SyncUpdates read like the log they describe.
 */
export class ScanCatalogBuilder {
  readonly state: ScanIndexState = emptyScanIndexState();
  readonly view = new ScanIndexView(this.state);
  private sequence = 0n;
  private clock = '2026-10-04T13:17:07.590Z';
  private nextDeploymentId = 1;

  on(isoTime: string): this {
    this.clock = isoTime;
    return this;
  }

  apply(event: ScanIndexEventData): this {
    this.sequence += 1n;
    evolveScanIndex(this.state, { ...event, position: { transactionId: 1000n, sequence: this.sequence }, occurredAt: this.clock } as never);
    return this;
  }

  revision(spec: RevisionSpec): this {
    const type = spec.type ?? 'Software';
    return this.apply({
      type: 'UpdateRevisionImported',
      data: {
        revisionId: spec.revisionId,
        updateId: spec.updateId,
        revisionNumber: spec.revisionNumber ?? 100,
        updateType: type,
        ...(spec.categoryType === undefined ? {} : { categoryType: spec.categoryType }),
        title: `update ${spec.updateId}`,
        prerequisites: (spec.prerequisites ?? []).map((c) => [...c]),
        categoryIds: [...(spec.categoryIds ?? [])],
        bundledRevisions: (spec.bundled ?? []).map((id) => [{ updateId: id, revisionNumber: 100 }]),
        supersededUpdateIds: [],
        files: (spec.files ?? []).map((f) => ({ ...f, sha256: null })),
        eulaId: null,
        languages: ['en'],
        coreXml: spec.coreXml ?? `<UpdateIdentity UpdateID="${spec.updateId}" RevisionNumber="${spec.revisionNumber ?? 100}" /><Properties UpdateType="${type}" />`,
        documentSha256: '0'.repeat(64),
        source: 'imported',
        ...(spec.drivers === undefined ? {} : { drivers: spec.drivers.map((d) => ({ ...d })) }),
      },
    });
  }

  approve(updateId: string, groupId: string, action: ApprovalAction = 'Install', options: { deadline?: string | null; deploymentId?: number } = {}): this {
    return this.apply({
      type: 'UpdateApproved',
      data: { deploymentId: options.deploymentId ?? this.nextDeploymentId++, updateId, revisionNumber: 100, groupId, action, deadline: options.deadline ?? null },
    });
  }

  removeApproval(updateId: string, groupId: string): this {
    return this.apply({ type: 'UpdateApprovalRemoved', data: { updateId, groupId } });
  }

  decline(updateId: string): this {
    return this.apply({ type: 'UpdateDeclined', data: { updateId } });
  }

  undecline(updateId: string): this {
    return this.apply({ type: 'UpdateUndeclined', data: { updateId } });
  }

  group(groupId: string, name: string, parentGroupId: string | null): this {
    return this.apply({ type: 'ComputerGroupCreated', data: { groupId, name, parentGroupId, builtIn: false } });
  }

  deleteGroup(groupId: string): this {
    return this.apply({ type: 'ComputerGroupDeleted', data: { groupId } });
  }

  assign(computerId: string, ...groupIds: string[]): this {
    return this.apply({ type: 'ComputerAssignedToGroups', data: { computerId, groupIds, by: 'admin' } });
  }

  get position(): LogPosition {
    return this.state.position;
  }

  get anchor(): string {
    return encodeAnchor(this.state.position);
  }
}

/** Test-only: what a client is told about a scope, one line per entry (order, kind, deployment, leaf flag), for comparing scopes. */
export const describedScope = (scope: ScanScope): string[] => scope.ordered.map(describedEntry);

/** Test-only: one entry as describedScope writes it; `missing` for none. */
export const describedEntry = (e: ScopeEntry | undefined): string =>
  e === undefined ? 'missing' : `${e.revision.revisionId}:${e.kind}:${e.approval?.deploymentId ?? '-'}:${e.approval?.action ?? '-'}:${e.isLeaf}`;

/** SyncUpdateParameters of a software-pass call, as the codec decodes them. */
export function softwarePass(installedNonLeaf?: readonly number[], otherCached?: readonly number[], extra: Partial<SyncUpdateParameters> = {}): SyncUpdateParameters {
  return {
    expressQuery: false,
    skipSoftwareSync: false,
    ...(installedNonLeaf === undefined ? {} : { installedNonLeafUpdateIds: installedNonLeaf }),
    ...(otherCached === undefined ? {} : { otherCachedUpdateIds: otherCached }),
    ...extra,
  };
}
