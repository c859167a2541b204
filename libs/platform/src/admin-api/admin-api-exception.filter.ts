import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject, Optional } from '@nestjs/common';
import { CodedError, ErrorCodes } from '#contracts';
import { LOGGER } from '../runtime/tokens.js';
import type { Logger } from '../logging/logger.js';
import type { AdminApiErrorBody } from './admin-api-error.js';
import { AdminApiErrorCodes } from './admin-api-error.js';
import { httpStatusForCode } from './error-status.js';

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): unknown;
}

/**
 * Turns whatever an admin controller throws into the admin API's error body and status. Coded
 * errors (domain refusals, validation, auth) keep their code and message; anything else is a 500
 * whose text stays in the log.
 */
@Catch()
export class AdminApiExceptionFilter implements ExceptionFilter {
  constructor(@Optional() @Inject(LOGGER) private readonly logger?: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<ReplyLike>();
    const { status, body } = this.toResponse(exception);
    if (status === 401) reply.header('www-authenticate', 'Bearer realm="watershed-admin"');
    reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private toResponse(exception: unknown): { status: number; body: AdminApiErrorBody } {
    if (exception instanceof CodedError) {
      const details = exception.details === undefined ? {} : { details: exception.details };
      return { status: httpStatusForCode(exception.code), body: { error: { code: exception.code, message: exception.message, ...details } } };
    }
    if (exception instanceof HttpException) {
      // Nest's own refusals (unknown route, body Fastify could not parse, payload too large).
      const status = exception.getStatus();
      const code = status === 404 ? AdminApiErrorCodes.RouteNotFound : status === 412 ? AdminApiErrorCodes.PreconditionFailed : status < 500 ? ErrorCodes.ValidationFailed : ErrorCodes.Internal;
      return { status, body: { error: { code, message: exception.message } } };
    }
    const fastifyStatus = (exception as { statusCode?: unknown }).statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      return { status: fastifyStatus, body: { error: { code: ErrorCodes.ValidationFailed, message: (exception as Error).message } } };
    }
    this.logger?.error({ err: exception }, 'unexpected error in the admin API');
    return { status: 500, body: { error: { code: ErrorCodes.Internal, message: 'internal error; see the server log' } } };
  }
}
