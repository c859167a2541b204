import { CodedError, ErrorCodes } from '#contracts';
import { isBusMessage } from '#messaging';
import type { z } from 'zod';

/** The payload of a bus message, checked against its schema; anything else is REQUEST.INVALID. */
export function parsePayload<S extends z.ZodType>(schema: S, message: unknown): z.output<S> {
  if (!isBusMessage(message)) throw new CodedError(ErrorCodes.ValidationFailed, 'expected a bus message {meta, payload}');
  const result = schema.safeParse(message.payload);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`);
    throw new CodedError(ErrorCodes.ValidationFailed, `invalid payload: ${issues.slice(0, 10).join('; ')}`, { issues });
  }
  return result.data;
}

// The bus and HTTP edges build their causation context with #messaging's causationContext/contextFromBus.
export { causationContext, contextFromBus } from '#messaging';
