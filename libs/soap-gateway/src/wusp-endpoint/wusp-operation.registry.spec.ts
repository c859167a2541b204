import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WuspOperationHandler } from './wusp-operation.handler.js';
import { WuspOperationRegistry } from './wusp-operation.registry.js';

const handler = (): WuspOperationHandler<'SyncUpdates'> => ({ operation: 'SyncUpdates', handle: async () => ({ truncated: false }) });

describe('WuspOperationRegistry', () => {
  it('a registered handler replaces the default, whatever the order', () => {
    const registry = new WuspOperationRegistry();
    const real = handler();
    const fallback = handler();
    registry.register(real);
    registry.registerDefault(fallback);
    assert.equal(registry.handlerFor('SyncUpdates'), real);
    assert.equal(registry.handlerFor('GetConfig'), undefined);
  });

  it('two real handlers for one operation is a wiring error; registering the same one twice is not', () => {
    const registry = new WuspOperationRegistry();
    const real = handler();
    registry.register(real);
    registry.register(real);
    assert.throws(() => registry.register(handler()), /two handlers/);
  });
});
