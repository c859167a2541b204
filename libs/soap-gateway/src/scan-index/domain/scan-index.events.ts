import type { z } from 'zod';
import type {
  ComputerAssignedToGroups,
  ComputerGroupCreated,
  ComputerGroupDeleted,
  ComputerGroupRenamed,
  LogPosition,
  RecordedEvent,
  ServerConfigurationData,
  TargetingModeChanged,
  UpdateApprovalRemoved,
  UpdateApproved,
  UpdateDeclined,
  UpdateRevisionImportedData,
  UpdateUndeclined,
} from '#contracts';

type Data<D extends { schema: z.ZodType }> = z.infer<D['schema']>;

/** The log events the scan index follows, with the data it reads (schema version 1 of each). */
export type ScanIndexEventData =
  | { readonly type: 'UpdateRevisionImported'; readonly data: UpdateRevisionImportedData }
  | { readonly type: 'ComputerGroupCreated'; readonly data: Data<typeof ComputerGroupCreated> }
  | { readonly type: 'ComputerGroupRenamed'; readonly data: Data<typeof ComputerGroupRenamed> }
  | { readonly type: 'ComputerGroupDeleted'; readonly data: Data<typeof ComputerGroupDeleted> }
  | { readonly type: 'ComputerAssignedToGroups'; readonly data: Data<typeof ComputerAssignedToGroups> }
  | { readonly type: 'UpdateApproved'; readonly data: Data<typeof UpdateApproved> }
  | { readonly type: 'UpdateApprovalRemoved'; readonly data: Data<typeof UpdateApprovalRemoved> }
  | { readonly type: 'UpdateDeclined'; readonly data: Data<typeof UpdateDeclined> }
  | { readonly type: 'UpdateUndeclined'; readonly data: Data<typeof UpdateUndeclined> }
  | { readonly type: 'TargetingModeChanged'; readonly data: Data<typeof TargetingModeChanged> }
  /** Data as stored; settings added later may be missing (read with parseServerConfiguration). */
  | { readonly type: 'ServerConfigurationChanged'; readonly data: Partial<ServerConfigurationData> };

export type ScanIndexEvent = ScanIndexEventData & {
  readonly position: LogPosition;
  /** When it happened (writer's clock, ISO 8601): source of Deployment.LastChangeTime. */
  readonly occurredAt: string;
};

export const SCAN_INDEX_EVENT_TYPES: readonly ScanIndexEventData['type'][] = [
  'UpdateRevisionImported',
  'ComputerGroupCreated',
  'ComputerGroupRenamed',
  'ComputerGroupDeleted',
  'ComputerAssignedToGroups',
  'UpdateApproved',
  'UpdateApprovalRemoved',
  'UpdateDeclined',
  'UpdateUndeclined',
  'TargetingModeChanged',
  'ServerConfigurationChanged',
];

const KNOWN = new Set<string>(SCAN_INDEX_EVENT_TYPES);

/**
 * A recorded event as the index reads it, or undefined for types and schema versions it does not
 * know. The store validated the data against its zod schema when it was appended, so it is not
 * parsed again here (catch-up replays the whole catalog).
 */
export function toScanIndexEvent(event: RecordedEvent): ScanIndexEvent | undefined {
  if (!KNOWN.has(event.type) || event.schemaVersion !== 1) return undefined;
  return {
    type: event.type,
    data: event.data,
    position: event.position,
    occurredAt: event.metadata.occurredAt,
  } as ScanIndexEvent;
}
