import type { AdminPrincipal } from '#platform';
import type { Caller } from '../application/deployment-api.service.js';

export interface AdminRequest {
  headers: Record<string, string | string[] | undefined>;
}

const first = (v: string | string[] | undefined): string | null => (Array.isArray(v) ? v[0] ?? null : v ?? null);

/** The admin as a Caller; a client may pass its own correlation id (X-Correlation-Id) and traceparent. */
export function callerOf(admin: AdminPrincipal, request: AdminRequest): Caller {
  return {
    actor: admin.actor,
    correlationId: first(request.headers['x-correlation-id']),
    traceparent: first(request.headers.traceparent),
  };
}

export interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
}
