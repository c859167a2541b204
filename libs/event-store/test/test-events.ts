import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { defineEvent, EventSchemaRegistry, type NewEvent } from '#contracts';

export const ThingHappened = defineEvent('ThingHappened', 1, z.object({ n: z.number().int(), label: z.string() }));

/** A second type, for readers and projections that filter by type. */
export const OtherHappened = defineEvent('OtherHappened', 1, z.object({ n: z.number().int() }));

export const testRegistry = (): EventSchemaRegistry => new EventSchemaRegistry([ThingHappened, OtherHappened]);

export function other(n: number): NewEvent {
  return { ...thing(n), type: 'OtherHappened', data: { n } };
}

export function thing(n: number, label = `thing-${n}`, overrides: Partial<NewEvent['metadata']> = {}): NewEvent {
  return {
    type: 'ThingHappened',
    schemaVersion: 1,
    data: { n, label },
    metadata: {
      messageId: randomUUID(),
      correlationId: randomUUID(),
      causationId: null,
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      occurredAt: new Date(Date.UTC(2026, 10, 25, 12, 0, 0, n % 1000)).toISOString(),
      actor: 'test',
      ...overrides,
    },
  };
}
