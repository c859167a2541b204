import { z } from 'zod';
import { defineEvent } from '../events/event-schema-registry.js';
import { AdminTokenCreated, AdminTokenRevoked } from './admin-token.events.js';

/**
 * Operational facts about server processes: when each instance started, with which services, and
 * when it stopped cleanly. An instance with a start and no stop crashed or was killed.
 */
export const ServerInstanceStarted = defineEvent(
  'ServerInstanceStarted',
  1,
  z.object({
    instanceId: z.string().min(1),
    version: z.string(),
    services: z.array(z.string()).min(1),
    mode: z.enum(['all-in-one', 'split']),
    store: z.enum(['postgres', 'pglite']),
    bus: z.enum(['nats', 'in-process']),
    nodeVersion: z.string(),
    pid: z.number().int(),
  }),
);

export const ServerInstanceStopped = defineEvent(
  'ServerInstanceStopped',
  1,
  z.object({ instanceId: z.string().min(1), reason: z.string(), uptimeSeconds: z.number().nonnegative() }),
);

export const SYSTEM_EVENTS = [ServerInstanceStarted, ServerInstanceStopped, AdminTokenCreated, AdminTokenRevoked] as const;

export const serverInstanceStream = (instanceId: string): string => `server-instance-${instanceId}`;
