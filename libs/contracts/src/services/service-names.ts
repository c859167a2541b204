import { type BoundedContext, subject } from '../subjects/subjects.js';

/** The services Watershed is made of; any subset can run in one process. */
export const SERVICE_NAMES = ['soap-gateway', 'metadata-store', 'deployment', 'reporting', 'sync-worker'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export const SERVICE_CONTEXT: Readonly<Record<ServiceName, BoundedContext>> = {
  'soap-gateway': 'gateway',
  'metadata-store': 'metadata',
  deployment: 'deployment',
  reporting: 'reporting',
  'sync-worker': 'sync',
};

/** NATS queue group of a service: one delivery per service however many replicas run. */
export const serviceQueue = (service: ServiceName): string => `watershed.${service}`;

/** Every service answers this with its ServiceStatus, so operators can see who is up where. */
export const serviceStatusSubject = (service: ServiceName): string => subject(SERVICE_CONTEXT[service], 'qry', 'status');

export interface ServiceStatus {
  readonly service: ServiceName;
  readonly instanceId: string;
  readonly pid: number;
  readonly version: string;
  readonly startedAt: string;
  /** Position of the store's head as this service sees it: shows a lagging or split-brain instance. */
  readonly storeHead: string;
}
