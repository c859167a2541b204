import { randomUUID } from 'node:crypto';
import { newEvent, serverInstanceStream, type CausationContext } from '#contracts';
import type { WatershedRuntime } from '../runtime/runtime.js';
import { WATERSHED_VERSION } from '../version.js';

function systemContext(runtime: WatershedRuntime): CausationContext {
  return {
    correlationId: randomUUID(),
    causationId: null,
    traceparent: null,
    actor: `instance:${runtime.config.instanceId}`,
    now: () => new Date(),
    newId: randomUUID,
  };
}

/** Records that this instance is up: the audit trail of deployments, restarts and crashes. */
export async function recordInstanceStarted(runtime: WatershedRuntime): Promise<void> {
  const { config } = runtime;
  await runtime.store.append(
    serverInstanceStream(config.instanceId),
    [
      newEvent(systemContext(runtime), 'ServerInstanceStarted', 1, {
        instanceId: config.instanceId,
        version: WATERSHED_VERSION,
        services: [...config.services],
        mode: config.mode,
        store: config.store.kind,
        bus: config.bus.kind,
        nodeVersion: process.version,
        pid: process.pid,
      }),
    ],
    'any',
  );
}

export async function recordInstanceStopped(runtime: WatershedRuntime, reason: string, startedAt: number): Promise<void> {
  await runtime.store.append(
    serverInstanceStream(runtime.config.instanceId),
    [
      newEvent(systemContext(runtime), 'ServerInstanceStopped', 1, {
        instanceId: runtime.config.instanceId,
        reason,
        uptimeSeconds: Math.max(0, (Date.now() - startedAt) / 1000),
      }),
    ],
    'exists',
  );
}
