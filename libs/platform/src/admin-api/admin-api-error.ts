/** Every admin API error body: `{ "error": { "code": "GROUP.NOT_FOUND", "message": "…" } }`. */
export interface AdminApiErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly details?: unknown;
    readonly correlationId?: string;
  };
}

export const AdminApiErrorCodes = {
  Unauthorized: 'AUTH.UNAUTHORIZED',
  NotConfigured: 'AUTH.NOT_CONFIGURED',
  RouteNotFound: 'ROUTE.NOT_FOUND',
  PreconditionFailed: 'PRECONDITION.FAILED',
} as const;
