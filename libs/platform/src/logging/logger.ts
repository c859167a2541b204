import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config/watershed-config.js';

export type { Logger } from 'pino';

/** JSON lines on stdout: what log collectors in Kubernetes and journald expect. */
export function createLogger(options: { level: LogLevel; instanceId: string; services: readonly string[] }): Logger {
  return pino({
    level: options.level,
    base: { instance: options.instanceId },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Cookies, tokens and connection strings must never reach a log line.
    redact: { paths: ['*.authorization', '*.cookie', '*.password', '*.databaseUrl', 'req.headers.authorization'], censor: '[redacted]' },
  });
}

/** Lets Nest's own messages go through the same pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, message instanceof Error ? message.message : String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
  fatal(message: unknown, context?: string): void {
    this.logger.fatal({ context }, String(message));
  }
}
