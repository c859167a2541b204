import { type ArgumentsHost, Catch, Inject, Optional } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { CodedRpcExceptionFilter } from '#messaging';
import type { Logger } from '../logging/logger.js';
import type { WatershedRuntime } from '../runtime/runtime.js';
import { LOGGER, RUNTIME } from '../runtime/tokens.js';
import { AdminApiExceptionFilter } from './admin-api-exception.filter.js';
import { AdminBearerGuard } from './admin-bearer.guard.js';

/** Every path the admin API owns starts with this. */
export const ADMIN_API_PREFIX = '/api/';

/**
 * Errors under /api/ that never reach an admin controller — a body Fastify could not parse, an
 * unknown route — still get the admin error format, and an unauthenticated caller gets 401 before
 * anything else, so the API never tells an anonymous caller more than "authenticate". Register it
 * with `{ provide: APP_FILTER, useClass: AdminApiGlobalFilter }` in a module that serves /api/.
 * Everything else is left exactly as Nest would handle it (bus errors as coded RPC errors).
 */
@Catch()
export class AdminApiGlobalFilter extends BaseExceptionFilter {
  private readonly guard: AdminBearerGuard;
  private readonly admin: AdminApiExceptionFilter;
  private readonly rpc: CodedRpcExceptionFilter;

  constructor(@Inject(RUNTIME) runtime: WatershedRuntime, @Optional() @Inject(LOGGER) logger?: Logger) {
    super();
    this.guard = new AdminBearerGuard(runtime);
    this.admin = new AdminApiExceptionFilter(logger);
    this.rpc = new CodedRpcExceptionFilter((error) => logger?.error({ err: error }, 'unexpected error in a bus handler'));
  }

  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType() === 'rpc') return this.rpc.catch(exception, host);
    if (host.getType() !== 'http') return super.catch(exception, host);
    const request = host.switchToHttp().getRequest<{ url?: string; raw?: { url?: string } }>();
    const url = request.url ?? request.raw?.url ?? '';
    if (!url.startsWith(ADMIN_API_PREFIX)) return super.catch(exception, host);
    try {
      this.guard.canActivate(host as never);
    } catch (authError) {
      return this.admin.catch(authError, host);
    }
    return this.admin.catch(exception, host);
  }
}
