import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { CodedError } from '#contracts';
import type { WatershedRuntime } from '../runtime/runtime.js';
import { RUNTIME } from '../runtime/tokens.js';
import { AdminApiErrorCodes } from './admin-api-error.js';

/** Who made an admin request, for the events' `actor`: never the token itself. */
export interface AdminPrincipal {
  readonly actor: string;
}

export const ADMIN_PRINCIPAL = Symbol('watershed.adminPrincipal');

interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
  [ADMIN_PRINCIPAL]?: AdminPrincipal;
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** `admin:` plus the first 12 hex digits of the token's SHA-256: stable, recognisable, not secret. */
export const actorForToken = (token: string): string => `admin:${digest(token).toString('hex').slice(0, 12)}`;

/**
 * Bearer tokens from configuration (WATERSHED_ADMIN_TOKENS) and from the log (`watershed tokens
 * create`). There is no anonymous access: with no token at all, every call is refused with a message
 * saying how to make one. Tokens are compared as SHA-256 digests with timingSafeEqual, against every
 * known token (no early exit), so neither the length nor the content of a token leaks through timing.
 */
@Injectable()
export class AdminBearerGuard implements CanActivate {
  private readonly configured: readonly Buffer[];

  constructor(@Inject(RUNTIME) private readonly runtime: WatershedRuntime) {
    this.configured = runtime.config.adminTokens.map(digest);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RequestLike>();
    const fromLog = this.runtime.adminTokens.all;
    if (this.configured.length === 0 && fromLog.length === 0) {
      throw new CodedError(
        AdminApiErrorCodes.NotConfigured,
        'the admin API has no tokens, so every call is refused: create one with `watershed tokens create --name <you>` (server stopped, or any time on PostgreSQL), or set WATERSHED_ADMIN_TOKENS to a comma list of tokens of at least 32 characters (openssl rand -hex 32) and restart',
      );
    }
    const header = request.headers.authorization;
    const value = Array.isArray(header) ? header[0] : header;
    const match = value ? /^Bearer[ \t]+(\S+)\s*$/i.exec(value) : null;
    if (!match) throw new CodedError(AdminApiErrorCodes.Unauthorized, 'send the header "Authorization: Bearer <token>"');
    const presented = digest(match[1]!);
    let ok = false;
    for (const known of this.configured) ok = timingSafeEqual(known, presented) || ok;
    let named: string | null = null;
    for (const token of fromLog) {
      if (timingSafeEqual(token.digest, presented)) named = `admin:${token.name}#${token.tokenId.slice(0, 8)}`;
    }
    if (!ok && named === null) throw new CodedError(AdminApiErrorCodes.Unauthorized, 'the bearer token is not valid');
    request[ADMIN_PRINCIPAL] = { actor: named ?? actorForToken(match[1]!) };
    return true;
  }
}

/** The principal the guard attached to the request. */
export function adminPrincipalOf(request: unknown): AdminPrincipal {
  const principal = (request as RequestLike)[ADMIN_PRINCIPAL];
  if (!principal) throw new Error('admin principal missing: is AdminBearerGuard applied?');
  return principal;
}
