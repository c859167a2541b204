import type { CausationContext } from '#contracts';
import { causationContext } from '#messaging';
import type { AdminPrincipal } from '#platform';

/** What the metadata store's admin controllers read of a request. */
export interface AdminHttpRequest {
  readonly headers: Record<string, string | string[] | undefined>;
}

/** One header's value (the first, when repeated), or null. */
export function headerOf(request: AdminHttpRequest, name: string): string | null {
  const v = request.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

/** The causation context of an admin request: its correlation id and trace carry into the events it causes. */
export function adminRequestContext(admin: AdminPrincipal, request: AdminHttpRequest): CausationContext {
  return causationContext({ correlationId: headerOf(request, 'x-correlation-id'), causationId: null, traceparent: headerOf(request, 'traceparent') }, admin.actor);
}
