import type { z } from 'zod';
import type { NewEvent } from './event-envelope.js';

/**
 * The boundary check for events: every type the store accepts is registered with the zod schema of
 * each data version it may hold. Unknown types and data that does not match are rejected before
 * anything is written, so a bad producer cannot poison the log for every future reader.
 */
export interface EventDefinition<TType extends string = string> {
  readonly type: TType;
  readonly schemaVersion: number;
  readonly schema: z.ZodType;
}

export class EventValidationError extends Error {
  readonly code = 'EVENT.INVALID';
  constructor(readonly eventType: string, readonly issues: readonly string[]) {
    super(`event ${eventType} rejected: ${issues.join('; ')}`);
  }
}

export function defineEvent<TType extends string, TSchema extends z.ZodType>(
  type: TType,
  schemaVersion: number,
  schema: TSchema,
): EventDefinition<TType> & { readonly schema: TSchema } {
  return { type, schemaVersion, schema };
}

export class EventSchemaRegistry {
  private readonly definitions = new Map<string, EventDefinition>();

  constructor(definitions: Iterable<EventDefinition> = []) {
    for (const definition of definitions) this.register(definition);
  }

  register(definition: EventDefinition): this {
    const key = `${definition.type}@${definition.schemaVersion}`;
    if (this.definitions.has(key)) throw new Error(`event ${key} registered twice`);
    this.definitions.set(key, definition);
    return this;
  }

  /** Throws EventValidationError; returns the event with its data as parsed (defaults applied). */
  validate<E extends NewEvent>(event: E): E {
    const definition = this.definitions.get(`${event.type}@${event.schemaVersion}`);
    if (!definition) {
      throw new EventValidationError(event.type, [`unknown event type or version ${event.type}@${event.schemaVersion}`]);
    }
    const result = definition.schema.safeParse(event.data);
    if (!result.success) {
      throw new EventValidationError(
        event.type,
        result.error.issues.map((issue) => `${issue.path.join('.') || '(data)'}: ${issue.message}`),
      );
    }
    const metadataIssues = validateMetadata(event);
    if (metadataIssues.length > 0) throw new EventValidationError(event.type, metadataIssues);
    return { ...event, data: result.data };
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

function validateMetadata(event: NewEvent): string[] {
  const m = event.metadata;
  const issues: string[] = [];
  if (!UUID.test(m.messageId)) issues.push('metadata.messageId: must be a UUID');
  if (!UUID.test(m.correlationId)) issues.push('metadata.correlationId: must be a UUID');
  if (m.causationId !== null && !UUID.test(m.causationId)) issues.push('metadata.causationId: must be a UUID or null');
  if (m.traceparent !== null && !TRACEPARENT.test(m.traceparent)) issues.push('metadata.traceparent: not W3C trace context');
  if (Number.isNaN(Date.parse(m.occurredAt))) issues.push('metadata.occurredAt: not an ISO 8601 time');
  return issues;
}
