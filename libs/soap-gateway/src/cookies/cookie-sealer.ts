import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';

/**
 * Binary layout of every cookie Watershed hands out (Cookie.EncryptedData and
 * AuthorizationCookie.CookieData):
 *
 *   byte 0        format version: how the plaintext is written (COOKIE_FORMATS)
 *   byte 1        n = length of the key id (1..32)
 *   bytes 2..n+1  key id, ASCII ([A-Za-z0-9_-])
 *   next 12       AES-GCM nonce (random per cookie)
 *   rest          AES-256-GCM ciphertext followed by its 16-byte tag
 *
 * Associated data = a fixed label, the cookie's purpose and the header bytes, so an authorization
 * cookie cannot be replayed as a client cookie and a header edit breaks the tag. Nothing inside is
 * read before the tag verifies: WSUS deserialized attacker-controlled cookie bytes (CVE-2025-59287).
 */
/** Format 1: the plaintext is JSON, read back through the payload's zod schema (every cookie until format 2). */
export const COOKIE_FORMAT_JSON = 1;
/** Format 2: a client cookie's state in the binary layout of domain/client-cookie.binary.ts. */
export const COOKIE_FORMAT_BINARY_CLIENT = 2;
/** What open() accepts: a gateway that seals format 2 still opens format-1 cookies sealed before it. */
export const COOKIE_FORMATS: readonly number[] = [COOKIE_FORMAT_JSON, COOKIE_FORMAT_BINARY_CLIENT];
/** The format seal() writes unless told otherwise. */
export const COOKIE_FORMAT_VERSION = COOKIE_FORMAT_JSON;
export const COOKIE_NONCE_BYTES = 12;
export const COOKIE_TAG_BYTES = 16;
export const COOKIE_KEY_BYTES = 32;
const MAX_KEY_ID_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const AAD_LABEL = 'watershed-cookie/v1';
/** A cookie bigger than this is not ours; refuse before any crypto. */
export const MAX_SEALED_COOKIE_BYTES = 8 * 1024;

export type CookiePurpose = 'authorization' | 'client';

export interface SealingKey {
  readonly id: string;
  /** 32 bytes. */
  readonly key: Buffer;
}

export type CookieOpenFailure = 'malformed' | 'unsupported-version' | 'unknown-key' | 'bad-tag';

export class CookieOpenError extends Error {
  override readonly name = 'CookieOpenError';
  constructor(readonly reason: CookieOpenFailure) {
    super(`cookie cannot be opened: ${reason}`);
  }
}

/** Nonces drawn per call to the CSPRNG: one draw serves this many seals (each nonce is used once). */
const NONCES_PER_DRAW = 256;

export class CookieSealer {
  // KeyObjects, not Buffers: a Buffer key is turned into a key object again on every cipher.
  private readonly byId = new Map<string, KeyObject>();
  private readonly sealingKey: { readonly id: string; readonly key: KeyObject; readonly headers: ReadonlyMap<number, Buffer> };
  private nonces = Buffer.alloc(0);
  private nextNonce = 0;

  /** The first key seals; every key opens (rotation: prepend the new key, drop the old one an hour later). */
  constructor(keys: readonly SealingKey[]) {
    const [first] = keys;
    if (first === undefined) throw new Error('at least one cookie key is required');
    for (const k of keys) {
      if (!KEY_ID.test(k.id)) throw new Error(`invalid cookie key id ${JSON.stringify(k.id)}`);
      if (k.key.length !== COOKIE_KEY_BYTES) throw new Error(`cookie key ${k.id} must be ${COOKIE_KEY_BYTES} bytes`);
      if (this.byId.has(k.id)) throw new Error(`cookie key id ${k.id} appears twice`);
      this.byId.set(k.id, createSecretKey(k.key));
    }
    this.sealingKey = { id: first.id, key: this.byId.get(first.id)!, headers: new Map(COOKIE_FORMATS.map((f) => [f, headerFor(f, first.id)])) };
  }

  /** Seals `plaintext` with the first key; `format` (COOKIE_FORMATS) says how the plaintext is written. */
  seal(purpose: CookiePurpose, plaintext: Uint8Array, format: number = COOKIE_FORMAT_VERSION): Buffer {
    const header = this.sealingKey.headers.get(format);
    if (header === undefined) throw new Error(`unknown cookie format ${format}`);
    const nonce = this.nonce();
    const cipher = createCipheriv('aes-256-gcm', this.sealingKey.key, nonce, { authTagLength: COOKIE_TAG_BYTES });
    cipher.setAAD(aad(purpose, header));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([header, nonce, body, cipher.getAuthTag()]);
  }

  /** The authenticated plaintext, or CookieOpenError. Never returns unauthenticated bytes. */
  open(purpose: CookiePurpose, sealed: Uint8Array): Buffer {
    return this.openWithFormat(purpose, sealed).plaintext;
  }

  /** open(), with the format the plaintext is written in (authenticated: the header is in the AAD). */
  openWithFormat(purpose: CookiePurpose, sealed: Uint8Array): { readonly format: number; readonly plaintext: Buffer } {
    const data = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    if (data.length < 2 || data.length > MAX_SEALED_COOKIE_BYTES) throw new CookieOpenError('malformed');
    const format = data[0]!;
    if (!COOKIE_FORMATS.includes(format)) throw new CookieOpenError('unsupported-version');
    const idLength = data[1]!;
    if (idLength < 1 || idLength > MAX_KEY_ID_BYTES) throw new CookieOpenError('malformed');
    const headerLength = 2 + idLength;
    if (data.length < headerLength + COOKIE_NONCE_BYTES + COOKIE_TAG_BYTES + 1) throw new CookieOpenError('malformed');
    const keyId = data.subarray(2, headerLength).toString('latin1');
    if (!KEY_ID.test(keyId)) throw new CookieOpenError('malformed');
    const key = this.byId.get(keyId);
    if (key === undefined) throw new CookieOpenError('unknown-key');
    const nonce = data.subarray(headerLength, headerLength + COOKIE_NONCE_BYTES);
    const body = data.subarray(headerLength + COOKIE_NONCE_BYTES, data.length - COOKIE_TAG_BYTES);
    const tag = data.subarray(data.length - COOKIE_TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: COOKIE_TAG_BYTES });
      decipher.setAAD(aad(purpose, data.subarray(0, headerLength)));
      decipher.setAuthTag(tag);
      return { format, plaintext: Buffer.concat([decipher.update(body), decipher.final()]) };
    } catch {
      throw new CookieOpenError('bad-tag');
    }
  }

  /**
   * A fresh random nonce. The CSPRNG is asked for a block of them at a time (a randomBytes call per
   * seal showed in rescan profiles); each 12-byte slice is handed out exactly once.
   */
  private nonce(): Buffer {
    if (this.nextNonce + COOKIE_NONCE_BYTES > this.nonces.length) {
      this.nonces = randomBytes(COOKIE_NONCE_BYTES * NONCES_PER_DRAW);
      this.nextNonce = 0;
    }
    const nonce = this.nonces.subarray(this.nextNonce, this.nextNonce + COOKIE_NONCE_BYTES);
    this.nextNonce += COOKIE_NONCE_BYTES;
    return nonce;
  }
}

function headerFor(format: number, keyId: string): Buffer {
  const id = Buffer.from(keyId, 'latin1');
  return Buffer.concat([Buffer.from([format, id.length]), id]);
}

const AAD_PREFIX: Readonly<Record<CookiePurpose, Buffer>> = {
  authorization: Buffer.from(`${AAD_LABEL}/authorization/`, 'latin1'),
  client: Buffer.from(`${AAD_LABEL}/client/`, 'latin1'),
};

function aad(purpose: CookiePurpose, header: Uint8Array): Buffer {
  return Buffer.concat([AAD_PREFIX[purpose], header]);
}
