import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { COOKIE_FORMAT_BINARY_CLIENT, COOKIE_FORMAT_JSON, COOKIE_FORMAT_VERSION, COOKIE_NONCE_BYTES, CookieOpenError, CookieSealer } from './cookie-sealer.js';
import { ClientCookieState, parseCookieState } from './domain/cookie-payload.js';
import { checkClientCookie, formatCookieExpiration } from './domain/cookie-validation.js';

const key = (id: string) => ({ id, key: randomBytes(32) });
const failure = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof CookieOpenError, `expected CookieOpenError, got ${String(error)}`);
    return error.reason;
  }
  assert.fail('expected the cookie to be refused');
};

describe('CookieSealer (AES-256-GCM, versioned layout)', () => {
  const k1 = key('k1');
  const sealer = new CookieSealer([k1]);
  const plaintext = Buffer.from('{"hello":"world"}');

  it('round-trips and lays the header out as version, key id length, key id, nonce', () => {
    const sealed = sealer.seal('client', plaintext);
    assert.equal(sealed[0], COOKIE_FORMAT_VERSION);
    assert.equal(sealed[1], 2);
    assert.equal(sealed.subarray(2, 4).toString(), 'k1');
    assert.equal(sealed.length, 4 + COOKIE_NONCE_BYTES + plaintext.length + 16);
    assert.deepEqual(sealer.open('client', sealed), plaintext);
  });

  it('uses a fresh nonce every time, also across draws from the CSPRNG', () => {
    assert.notDeepEqual(sealer.seal('client', plaintext), sealer.seal('client', plaintext));
    const nonces = new Set(Array.from({ length: 600 }, () => sealer.seal('client', plaintext).subarray(4, 4 + COOKIE_NONCE_BYTES).toString('hex')));
    assert.equal(nonces.size, 600);
  });

  it('writes the format it is given in byte 0 and reports it on open (format 1 stays the default)', () => {
    const binary = sealer.seal('client', plaintext, COOKIE_FORMAT_BINARY_CLIENT);
    assert.equal(binary[0], COOKIE_FORMAT_BINARY_CLIENT);
    assert.deepEqual(sealer.openWithFormat('client', binary), { format: COOKIE_FORMAT_BINARY_CLIENT, plaintext });
    assert.deepEqual(sealer.openWithFormat('client', sealer.seal('client', plaintext)), { format: COOKIE_FORMAT_JSON, plaintext });
    assert.throws(() => sealer.seal('client', plaintext, 3));
  });

  it('refuses the cookie when any single byte is changed', () => {
    const sealed = sealer.seal('client', plaintext);
    for (let i = 0; i < sealed.length; i += 1) {
      const tampered = Buffer.from(sealed);
      tampered[i] = tampered[i]! ^ 0x01;
      const reason = failure(() => sealer.open('client', tampered));
      assert.ok(['bad-tag', 'unsupported-version', 'malformed', 'unknown-key'].includes(reason), `byte ${i}: ${reason}`);
    }
  });

  it('refuses truncated, extended and empty cookies, garbage and an unsupported version', () => {
    const sealed = sealer.seal('client', plaintext);
    assert.equal(failure(() => sealer.open('client', sealed.subarray(0, sealed.length - 1))), 'bad-tag');
    assert.equal(failure(() => sealer.open('client', Buffer.concat([sealed, Buffer.from([0])]))), 'bad-tag');
    assert.equal(failure(() => sealer.open('client', Buffer.alloc(0))), 'malformed');
    assert.equal(failure(() => sealer.open('client', sealed.subarray(0, 20))), 'malformed');
    assert.equal(failure(() => sealer.open('client', Buffer.alloc(300))), 'unsupported-version');
    const v3 = Buffer.from(sealed);
    v3[0] = 3;
    assert.equal(failure(() => sealer.open('client', v3)), 'unsupported-version');
    // Format 2 is known, so the edit reaches the tag: the format byte is authenticated.
    const relabelled = Buffer.from(sealed);
    relabelled[0] = COOKIE_FORMAT_BINARY_CLIENT;
    assert.equal(failure(() => sealer.open('client', relabelled)), 'bad-tag');
    assert.equal(failure(() => sealer.open('client', randomBytes(8 * 1024 + 1))), 'malformed');
  });

  it('refuses a cookie sealed for another purpose (an authorization cookie is not a client cookie)', () => {
    assert.equal(failure(() => sealer.open('client', sealer.seal('authorization', plaintext))), 'bad-tag');
  });

  it('refuses unknown keys and keys with the right id but other bytes', () => {
    const other = new CookieSealer([key('k2')]);
    assert.equal(failure(() => sealer.open('client', other.seal('client', plaintext))), 'unknown-key');
    const impostor = new CookieSealer([key('k1')]);
    assert.equal(failure(() => sealer.open('client', impostor.seal('client', plaintext))), 'bad-tag');
  });

  it('rotates keys: the first key seals, every key opens, a dropped key no longer opens', () => {
    const k2 = key('k2');
    const before = new CookieSealer([k1]).seal('client', plaintext);
    const rotated = new CookieSealer([k2, k1]);
    assert.deepEqual(rotated.open('client', before), plaintext, 'cookies sealed with the old key still open');
    const after = rotated.seal('client', plaintext);
    assert.equal(after.subarray(2, 4).toString(), 'k2');
    assert.deepEqual(new CookieSealer([k2]).open('client', after), plaintext);
    assert.equal(failure(() => new CookieSealer([k2]).open('client', before)), 'unknown-key');
  });

  it('validates its keys', () => {
    assert.throws(() => new CookieSealer([]));
    assert.throws(() => new CookieSealer([{ id: 'k', key: randomBytes(16) }]));
    assert.throws(() => new CookieSealer([{ id: 'bad id', key: randomBytes(32) }]));
    assert.throws(() => new CookieSealer([k1, k1]));
  });
});

describe('client cookie payload and checks', () => {
  const now = new Date('2026-10-04T15:03:36.000Z');
  const state: ClientCookieState = {
    kind: 'client',
    computerId: 'e1da06a3-5601-43c9-bac3-52d5db701494',
    dnsName: 'pc1',
    requestedGroupNames: [],
    groupIds: null,
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 3600_000).toISOString(),
    protocolVersion: '2.90',
    configGeneration: '2026-10-04T13:17:07.590Z',
    serverId: 'server-a',
    lastSyncAnchor: null,
    lastSyncAt: null,
  };
  const context = { now, serverId: 'server-a', configGeneration: new Date(state.configGeneration), clientStateEpoch: null };

  it('parses only the exact schema (extra or missing fields are refused)', () => {
    assert.deepEqual(parseCookieState(ClientCookieState, Buffer.from(JSON.stringify(state))), state);
    assert.equal(parseCookieState(ClientCookieState, Buffer.from(JSON.stringify({ ...state, admin: true }))), undefined);
    const { serverId: _, ...missing } = state;
    assert.equal(parseCookieState(ClientCookieState, Buffer.from(JSON.stringify(missing))), undefined);
    assert.equal(parseCookieState(ClientCookieState, Buffer.from('not json')), undefined);
  });

  it('accepts a fresh cookie', () => {
    assert.equal(checkClientCookie(state, context, { checkConfiguration: true }), 'ok');
  });

  it('ServerChanged for another installation, before anything else', () => {
    assert.equal(checkClientCookie(state, { ...context, serverId: 'server-b', now: new Date('2030-01-01T00:00:00Z') }), 'ServerChanged');
  });

  it('CookieExpired at the sealed expiry, unless expired cookies are allowed (GetCookie oldCookie)', () => {
    const later = { ...context, now: new Date(state.expiresAt) };
    assert.equal(checkClientCookie(state, later), 'CookieExpired');
    assert.equal(checkClientCookie(state, later, { allowExpired: true }), 'ok');
  });

  it('ConfigChanged when the configuration is newer than the cookie, only when asked to check', () => {
    const changed = { ...context, configGeneration: new Date('2026-10-04T14:00:00Z') };
    assert.equal(checkClientCookie(state, changed, { checkConfiguration: true }), 'ConfigChanged');
    assert.equal(checkClientCookie(state, changed), 'ok');
    // A gateway lagging behind the one that sealed the cookie does not bounce the client.
    assert.equal(checkClientCookie(state, { ...context, configGeneration: new Date('2026-01-01T00:00:00Z') }, { checkConfiguration: true }), 'ok');
  });

  it('ServerChanged for a cookie issued before the latest client-state reset (a restore); a newer one is accepted (a lagging gateway)', () => {
    const reset = { ...context, clientStateEpoch: new Date('2026-10-04T13:30:00Z') };
    assert.equal(checkClientCookie(state, reset), 'ServerChanged', 'a cookie from before the field existed');
    assert.equal(checkClientCookie({ ...state, stateEpoch: null }, reset), 'ServerChanged');
    assert.equal(checkClientCookie({ ...state, stateEpoch: '2026-10-04T13:00:00.000Z' }, reset, { allowExpired: true }), 'ServerChanged', 'GetCookie oldCookie too');
    assert.equal(checkClientCookie({ ...state, stateEpoch: '2026-10-04T13:30:00.000Z' }, reset, { checkConfiguration: true }), 'ok');
    assert.equal(checkClientCookie({ ...state, stateEpoch: '2026-10-04T14:00:00.000Z' }, reset), 'ok');
    assert.equal(checkClientCookie({ ...state, stateEpoch: '2026-10-04T14:00:00.000Z' }, context), 'ok');
  });

  it('writes expirations with 7 fraction digits like WSUS', () => {
    assert.equal(formatCookieExpiration(new Date('2026-10-04T16:03:35.996Z')), '2026-10-04T16:03:35.9960000Z');
  });
});
