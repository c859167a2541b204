import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { WatershedRuntime } from './runtime.js';
import { DURABLE_QUEUE, EVENT_STORE, LOGGER, RUNTIME, SERVICE_BUS, WATERSHED_CONFIG } from './tokens.js';

/** Hands the runtime's parts to every module by token. The runtime itself outlives the Nest app. */
@Global()
@Module({})
export class RuntimeModule {
  static forRuntime(runtime: WatershedRuntime): DynamicModule {
    const providers = [
      { provide: RUNTIME, useValue: runtime },
      { provide: WATERSHED_CONFIG, useValue: runtime.config },
      { provide: EVENT_STORE, useValue: runtime.store },
      { provide: SERVICE_BUS, useValue: runtime.bus },
      { provide: DURABLE_QUEUE, useValue: runtime.durable },
      { provide: LOGGER, useValue: runtime.logger },
    ];
    return { module: RuntimeModule, providers, exports: providers.map((p) => p.provide) };
  }
}
