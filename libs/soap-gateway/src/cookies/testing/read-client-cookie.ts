import { COOKIE_FORMAT_BINARY_CLIENT, type CookieSealer } from '../cookie-sealer.js';
import { decodeClientCookieState } from '../domain/client-cookie.binary.js';
import type { ClientCookieState } from '../domain/cookie-payload.js';

/**
 * The state inside a client cookie (base64 EncryptedData) whatever its format, for tests that read
 * what the server sealed and re-seal an edited copy. Re-sealing with `sealer.seal('client',
 * Buffer.from(JSON.stringify(state)))` makes a format-1 cookie, as gateways before format 2 did.
 */
export function readClientCookie(sealer: CookieSealer, encryptedData: string): ClientCookieState {
  const { format, plaintext } = sealer.openWithFormat('client', Buffer.from(encryptedData, 'base64'));
  const state = format === COOKIE_FORMAT_BINARY_CLIENT ? decodeClientCookieState(plaintext) : (JSON.parse(plaintext.toString('utf8')) as ClientCookieState);
  if (state === undefined) throw new Error('client cookie with a malformed format-2 payload');
  return state;
}
