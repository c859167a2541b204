import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { CodedRpcExceptionFilter } from '#messaging';
import { OpenApiHttpController } from '../admin-api/openapi/openapi.http.controller.js';
import type { WatershedConfig } from '../config/watershed-config.js';
import { HealthHttpController } from '../health/health.http.controller.js';
import { ReadinessState } from '../health/readiness.js';
import { recordInstanceStarted, recordInstanceStopped } from '../lifecycle/server-instance-events.js';
import { type Logger, PinoNestLogger } from '../logging/logger.js';
import { WatershedRuntime } from '../runtime/runtime.js';
import { RuntimeModule } from '../runtime/runtime.module.js';
import { ServiceStatusHttpController } from '../status/service-status.http.controller.js';
import type { ServiceRegistration } from './service-registration.js';

/**
 * SOAP bodies are bounded by the codec at 8 MiB (the spec's guidance for oversized requests);
 * Fastify's limit sits just above so the codec, not Fastify, produces the SOAP fault.
 */
export const HTTP_BODY_LIMIT_BYTES = 8 * 1024 * 1024 + 64 * 1024;

export interface RunningServer {
  readonly app: NestFastifyApplication;
  readonly runtime: WatershedRuntime;
  readonly url: string;
  /** Stops taking traffic, lets in-flight work finish, records the stop, closes the store. */
  stop(reason: string): Promise<void>;
}

export async function serve(config: WatershedConfig, logger: Logger, registrations: readonly ServiceRegistration[]): Promise<RunningServer> {
  const startedAt = Date.now();
  const runtime = await WatershedRuntime.open(config, logger, {
    eventDefinitions: registrations.flatMap((r) => r.eventDefinitions),
    migrations: registrations.flatMap((r) => r.migrations),
  });
  const readiness = new ReadinessState();
  const selected = registrations.filter((r) => config.services.includes(r.name));

  @Module({
    imports: [RuntimeModule.forRuntime(runtime), DiscoveryModule, ...selected.map((r) => r.module)],
    controllers: [HealthHttpController, ServiceStatusHttpController, OpenApiHttpController],
    providers: [{ provide: ReadinessState, useValue: readiness }],
  })
  class WatershedAppModule {}

  let app: NestFastifyApplication;
  try {
    const adapter = new FastifyAdapter({
      bodyLimit: HTTP_BODY_LIMIT_BYTES,
      // On close, drop idle keep-alive sockets at once and let busy ones finish their request.
      forceCloseConnections: 'idle',
      return503OnClosing: true,
      // Windows clients keep connections open between SyncUpdates pages; outlive their idle gap.
      keepAliveTimeout: 75_000,
      // IIS, which WSUS runs on, matches paths case-insensitively, and clients rely on it.
      routerOptions: { caseSensitive: false },
    });
    app = await NestFactory.create<NestFastifyApplication>(WatershedAppModule, adapter, {
      logger: new PinoNestLogger(logger),
    });
    // Deferred, so the filter is in place before Nest builds the handlers (a filter added after
    // initialization is silently ignored, and every coded error would reach callers as INTERNAL).
    const microservice = app.connectMicroservice({ strategy: runtime.transport }, { deferInitialization: true });
    microservice.useGlobalFilters(
      new CodedRpcExceptionFilter((error) => logger.error({ err: error }, 'unexpected error in a bus handler')),
    );
    // The app and the deferred microservice share one module graph: lifecycle hooks run once, with
    // the app's init, before any bus message or HTTP request can reach a handler.
    (microservice as unknown as { setIsInitHookCalled(called: boolean): void }).setIsInitHookCalled(true);
    await app.init();
    await app.startAllMicroservices();
    await app.listen(config.port, config.host);
  } catch (error) {
    await runtime.close().catch(() => undefined);
    throw error;
  }
  await recordInstanceStarted(runtime);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}`;
  logger.info({ url, services: config.services, mode: config.mode, store: config.store.kind, bus: config.bus.kind }, 'watershed is serving');

  let stopping: Promise<void> | null = null;
  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      readiness.markShuttingDown();
      logger.info({ reason }, 'shutting down: finishing in-flight requests');
      try {
        await app.close();
        await recordInstanceStopped(runtime, reason, startedAt);
      } finally {
        await runtime.close();
      }
      logger.info('stopped');
    })();
    return stopping;
  };
  return { app, runtime, url, stop };
}
