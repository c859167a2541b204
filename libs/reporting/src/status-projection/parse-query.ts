import { CodedError, ErrorCodes } from '#contracts';
import type { z } from 'zod';

/** Validates a query payload; bad input is the caller's error (REQUEST.INVALID), not ours. */
export function parseQuery<T>(schema: z.ZodType<T>, payload: unknown): T {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  throw new CodedError(
    ErrorCodes.ValidationFailed,
    result.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; '),
  );
}
