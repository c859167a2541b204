import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WatershedConfig } from '#platform';
import { COOKIE_KEY_BYTES, type SealingKey } from './cookie-sealer.js';

/** File holding the generated key of an all-in-one server without WATERSHED_COOKIE_KEYS. */
export const LOCAL_COOKIE_KEY_FILE = 'cookie-key';
/** Key id of that generated key (configured ids are the operator's). */
export const LOCAL_COOKIE_KEY_ID = 'local';

/**
 * The keys cookies are sealed and opened with: the configured ones (first seals, all open), or one
 * generated once and kept in `<dataDir>/cookie-key` (mode 0600) so a restart keeps clients' cookies
 * valid. Split mode requires configured keys (the configuration refuses to start without them).
 */
export function resolveCookieKeys(config: Pick<WatershedConfig, 'cookieKeys' | 'dataDir'>): SealingKey[] {
  if (config.cookieKeys !== null) return config.cookieKeys.map((k) => ({ id: k.id, key: k.key }));
  return [{ id: LOCAL_COOKIE_KEY_ID, key: loadOrCreateLocalKey(config.dataDir) }];
}

function loadOrCreateLocalKey(dataDir: string): Buffer {
  const file = path.join(dataDir, LOCAL_COOKIE_KEY_FILE);
  mkdirSync(dataDir, { recursive: true });
  try {
    // 'wx': of two processes racing on a fresh data dir, exactly one writes; the other reads its key.
    writeFileSync(file, `${randomBytes(COOKIE_KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(file, 0o600);
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== COOKIE_KEY_BYTES) {
    throw new Error(`${file} must hold a base64 ${COOKIE_KEY_BYTES}-byte key; delete it to generate a new one (clients then re-authenticate)`);
  }
  return key;
}
