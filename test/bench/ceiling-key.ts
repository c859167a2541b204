import { createHash } from 'node:crypto';

/** How the ceiling server finds a recorded answer: the request's path (any case) and exact body. */
export function exchangeKey(urlPath: string, body: string): string {
  return createHash('sha1').update(`${urlPath.toLowerCase()}\n${body}`).digest('hex');
}
