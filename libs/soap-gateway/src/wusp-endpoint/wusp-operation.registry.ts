import { Injectable } from '@nestjs/common';
import type { WuspOperationName } from '#wsus-codecs';
import type { WuspOperationHandler } from './wusp-operation.handler.js';

/**
 * Which handler answers which operation. Every operation has a built-in handler (some only answer
 * InternalServerError until their real implementation exists); a use case replaces one by calling
 * `register` from its provider's constructor or onModuleInit — e.g. the SyncUpdates handler:
 *
 *   constructor(registry: WuspOperationRegistry) { registry.register(this); }
 *
 * Two non-default handlers for one operation is a wiring mistake and fails at start.
 */
@Injectable()
export class WuspOperationRegistry {
  private readonly defaults = new Map<WuspOperationName, WuspOperationHandler>();
  private readonly registered = new Map<WuspOperationName, WuspOperationHandler>();

  registerDefault<K extends WuspOperationName>(handler: WuspOperationHandler<K>): void {
    this.defaults.set(handler.operation, handler as unknown as WuspOperationHandler);
  }

  register<K extends WuspOperationName>(handler: WuspOperationHandler<K>): void {
    const existing = this.registered.get(handler.operation);
    if (existing !== undefined && existing !== (handler as unknown)) {
      throw new Error(`two handlers registered for WUSP operation ${handler.operation}`);
    }
    this.registered.set(handler.operation, handler as unknown as WuspOperationHandler);
  }

  handlerFor<K extends WuspOperationName>(operation: K): WuspOperationHandler<K> | undefined {
    return (this.registered.get(operation) ?? this.defaults.get(operation)) as WuspOperationHandler<K> | undefined;
  }
}
