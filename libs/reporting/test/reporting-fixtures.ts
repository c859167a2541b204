import { randomUUID } from 'node:crypto';
import {
  type CausationContext,
  ComputerAssignedToGroups,
  ComputerGroupDeleted,
  groupStream,
  ComputerRegistered,
  computerMembershipStream,
  computerStream,
  DEPLOYMENT_EVENTS,
  EventSchemaRegistry,
  METADATA_EVENTS,
  newEvent,
  type NewEvent,
  REPORTING_EVENTS,
  UpdateDeclined,
  UpdateUndeclined,
  UpdateRevisionImported,
  updateApprovalStream,
  updateStream,
} from '#contracts';
import { EventStore, type SqlDatabase } from '#event-store';
import { REPORTING_MIGRATIONS } from '#reporting';

/** The events the reporting projection reads come from three services; a test store knows all of them. */
export const openReportingStore = (db: SqlDatabase): Promise<EventStore> =>
  EventStore.open(db, {
    registry: new EventSchemaRegistry([...REPORTING_EVENTS, ...DEPLOYMENT_EVENTS, ...METADATA_EVENTS]),
    migrations: REPORTING_MIGRATIONS,
  });

export const ctx = (): CausationContext => ({
  correlationId: randomUUID(),
  causationId: null,
  traceparent: null,
  actor: 'test',
  now: () => new Date(),
  newId: randomUUID,
});

let revisionIds = 1;
export async function importUpdate(store: EventStore, updateId: string, title: string, updateType: 'Software' | 'Category' = 'Software'): Promise<void> {
  const data = {
    revisionId: revisionIds++,
    updateId,
    revisionNumber: 200,
    updateType,
    title,
    prerequisites: [],
    categoryIds: [],
    bundledRevisions: [],
    supersededUpdateIds: [],
    files: [],
    eulaId: null,
    languages: ['en'],
    coreXml: '<UpdateIdentity/>',
    documentSha256: '0'.repeat(64),
    source: 'published' as const,
  };
  await store.append(updateStream(updateId), [newEvent(ctx(), UpdateRevisionImported.type, 1, data)], 'any');
}

export async function declineUpdate(store: EventStore, updateId: string, declined = true): Promise<void> {
  await store.append(updateApprovalStream(updateId), [newEvent(ctx(), declined ? UpdateDeclined.type : UpdateUndeclined.type, 1, { updateId })], 'any');
}

export async function deleteGroup(store: EventStore, groupId: string): Promise<void> {
  await store.append(groupStream(groupId), [newEvent(ctx(), ComputerGroupDeleted.type, 1, { groupId })], 'any');
}

export async function assignGroups(store: EventStore, computerId: string, groupIds: string[]): Promise<void> {
  await store.append(
    computerMembershipStream(computerId),
    [newEvent(ctx(), ComputerAssignedToGroups.type, 1, { computerId, groupIds, by: 'admin' })],
    'any',
  );
}

export const registration = (computerId: string, dnsName: string) => ({
  computerId,
  dnsName,
  osMajorVersion: 10,
  osMinorVersion: 0,
  osBuildNumber: 26100,
  osServicePackMajorNumber: 0,
  osLocale: 'en-US',
  computerManufacturer: 'Contoso',
  computerModel: 'Lab 1',
  clientVersion: '1507.2601.30012.0',
  clientIp: '10.0.0.5',
});

export async function register(store: EventStore, computerId: string, dnsName: string): Promise<void> {
  await store.append(computerStream(computerId), [newEvent(ctx(), ComputerRegistered.type, 1, registration(computerId, dnsName))], 'any');
}

export interface ClientEventSpec {
  readonly eventId: number;
  readonly at: number | string;
  readonly updateId?: string | null;
  readonly miscData?: string[];
}

/** One ClientEventReported payload, as the gateway decodes it from a ReportEventBatch. */
export function clientEvent(computerId: string, spec: ClientEventSpec) {
  return {
    computerId,
    eventInstanceId: randomUUID(),
    eventId: spec.eventId,
    namespaceId: 1,
    timeAtTarget: typeof spec.at === 'string' ? spec.at : new Date(spec.at).toISOString(),
    sourceId: 101,
    updateId: spec.updateId ?? null,
    revisionNumber: spec.updateId ? 200 : null,
    win32HResult: spec.eventId === 182 ? -2145124329 : 0,
    appName: 'AutomaticUpdates',
    replacementStrings: [],
    miscData: spec.miscData ?? ['A=0', 'Q=1'],
  };
}

export async function report(store: EventStore, computerId: string, ...specs: ClientEventSpec[]): Promise<void> {
  const events: NewEvent[] = specs.map((s) => {
    const data = clientEvent(computerId, s);
    const e = newEvent(ctx(), 'ClientEventReported', 1, data);
    return { ...e, metadata: { ...e.metadata, messageId: data.eventInstanceId } };
  });
  await store.append(computerStream(computerId), events, 'any');
}

/** Deterministic pseudo-random numbers (mulberry32), so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
