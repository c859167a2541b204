import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CodedError } from '#contracts';
import { z } from 'zod';
import { contextFromBus, parsePayload } from './metadata-store.bus.js';

const meta = (over: Partial<{ correlationId: string; causationId: string | null; traceparent: string | null }> = {}) => ({
  correlationId: '6f1d9a52-7e0b-4c55-9a4e-0d1f2b3c4d5e',
  causationId: null,
  traceparent: null,
  sentAt: '2026-11-25T12:00:00.000Z',
  ...over,
});

describe('bus message helpers', () => {
  it('carries correlation, causation and trace of the message into the causation context', () => {
    const ctx = contextFromBus(
      { meta: meta({ causationId: 'aa1d9a52-7e0b-4c55-9a4e-0d1f2b3c4d5e', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }), payload: {} },
      'admin:bob',
    );
    assert.equal(ctx.correlationId, '6f1d9a52-7e0b-4c55-9a4e-0d1f2b3c4d5e');
    assert.equal(ctx.causationId, 'aa1d9a52-7e0b-4c55-9a4e-0d1f2b3c4d5e');
    assert.equal(ctx.traceparent, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    assert.equal(ctx.actor, 'admin:bob');
  });

  it('replaces ids the event store would refuse instead of failing the command', () => {
    const ctx = contextFromBus({ meta: meta({ correlationId: 'req-42', causationId: 'x', traceparent: 'garbage' }), payload: {} }, null);
    assert.match(ctx.correlationId, /^[0-9a-f-]{36}$/);
    assert.equal(ctx.causationId, null);
    assert.equal(ctx.traceparent, null);
  });

  it('refuses a payload that is not a bus message or does not match, naming the field', () => {
    const schema = z.object({ n: z.number() });
    assert.deepEqual(parsePayload(schema, { meta: meta(), payload: { n: 1 } }), { n: 1 });
    assert.throws(() => parsePayload(schema, { n: 1 }), (e: unknown) => e instanceof CodedError && e.code === 'REQUEST.INVALID');
    assert.throws(
      () => parsePayload(schema, { meta: meta(), payload: { n: 'one' } }),
      (e: unknown) => e instanceof CodedError && e.code === 'REQUEST.INVALID' && /n: /.test(e.message),
    );
  });
});
