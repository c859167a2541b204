import { createHash } from 'node:crypto';

/**
 * A UUID-shaped id derived from content: a client that retries the same report gets the same
 * messageId, so the durable queue's duplicate window (and the consumer's idempotency) stores it once.
 */
export function contentMessageId(...parts: readonly string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
