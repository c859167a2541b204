import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeClientCookieState, encodeClientCookieState } from './client-cookie.binary.js';
import { ClientCookieState } from './cookie-payload.js';

const base: ClientCookieState = {
  kind: 'client',
  computerId: 'e1da06a3-5601-43c9-bac3-52d5db701494',
  dnsName: 'pc1.contoso.test',
  requestedGroupNames: [],
  groupIds: null,
  issuedAt: '2026-10-04T15:03:36.000Z',
  expiresAt: '2026-10-04T16:03:36.000Z',
  protocolVersion: '2.90',
  configGeneration: '2026-10-04T13:17:07.590Z',
  serverId: '6f1c2f1e-96a4-4c5e-9a55-0d4c0c3f2b11',
  lastSyncAnchor: null,
  lastSyncAt: null,
  stateEpoch: null,
};

/** A small deterministic generator: the same states on every run. */
function* states(count: number): Generator<ClientCookieState> {
  let seed = 20261126;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  const hex = (n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[next(16)]).join('');
  const text = (max: number): string => Array.from({ length: next(max + 1) }, () => 'aZ9 ;é中-_.🙂'[next(12)]).join('');
  const instant = (): string => new Date(1_700_000_000_000 + next(2_000_000_000) * 1000 + next(1000)).toISOString();
  for (let i = 0; i < count; i += 1) {
    const epoch = next(3);
    yield {
      ...base,
      computerId: `${hex(8)}-${text(20)}`.slice(0, 255) || 'x',
      dnsName: text(40),
      requestedGroupNames: Array.from({ length: next(4) }, () => `g${text(30)}`),
      groupIds: next(3) === 0 ? null : Array.from({ length: next(6) }, () => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`),
      issuedAt: instant(),
      expiresAt: instant(),
      protocolVersion: `${next(5)}.${next(100)}`,
      configGeneration: instant(),
      serverId: hex(1 + next(32)),
      lastSyncAnchor: next(2) === 0 ? null : `${hex(16)}.${next(100000)}`,
      lastSyncAt: next(2) === 0 ? null : instant(),
      ...(epoch === 0 ? {} : { stateEpoch: epoch === 1 ? null : instant() }),
    } as ClientCookieState;
  }
}

describe('client cookie format 2 (binary state)', () => {
  it('round-trips every state, and what it decodes is what the format-1 schema accepts', () => {
    for (const state of states(500)) {
      const bytes = encodeClientCookieState(state);
      assert.ok(bytes !== undefined, JSON.stringify(state));
      const decoded = decodeClientCookieState(bytes);
      assert.deepEqual(decoded, state);
      assert.deepEqual(ClientCookieState.parse(JSON.parse(JSON.stringify(decoded))), state);
    }
  });

  it('keeps an absent stateEpoch absent (cookies sealed before the field existed) and null null', () => {
    const { stateEpoch: _, ...withoutEpoch } = base;
    const decoded = decodeClientCookieState(encodeClientCookieState(withoutEpoch as ClientCookieState)!);
    assert.ok(decoded !== undefined && !('stateEpoch' in decoded));
    assert.equal(decodeClientCookieState(encodeClientCookieState(base)!)?.stateEpoch, null);
  });

  it('is well under the JSON size', () => {
    const state = { ...base, groupIds: ['0b1b2b3b-0000-1111-2222-333344445555'], lastSyncAnchor: '0000000000012345.3', lastSyncAt: base.issuedAt };
    assert.ok(encodeClientCookieState(state)!.length * 3 < Buffer.byteLength(JSON.stringify(state)) * 2);
  });

  it('has no format-2 form for instants toISOString would not write back (then the cookie is sealed as format 1)', () => {
    assert.equal(encodeClientCookieState({ ...base, issuedAt: '2026-10-04T15:03:36Z' }), undefined);
    assert.equal(encodeClientCookieState({ ...base, lastSyncAt: '2026-10-04T15:03:36.1234567Z' }), undefined);
    assert.equal(encodeClientCookieState({ ...base, groupIds: ['NOT-A-GUID'] }), undefined);
    assert.equal(encodeClientCookieState({ ...base, dnsName: 'pc\ud800' }), undefined, 'an unpaired surrogate has no UTF-8 form');
    assert.ok(encodeClientCookieState({ ...base, dnsName: 'pc🙂' }) !== undefined, 'a pair is fine');
  });

  it('refuses bytes that are not exactly one state within the schema bounds', () => {
    const bytes = encodeClientCookieState({ ...base, groupIds: ['0b1b2b3b-0000-1111-2222-333344445555'], requestedGroupNames: ['Sales'] })!;
    assert.equal(decodeClientCookieState(Buffer.concat([bytes, Buffer.from([0])])), undefined, 'trailing byte');
    for (let cut = 0; cut < bytes.length; cut += 1) assert.equal(decodeClientCookieState(bytes.subarray(0, cut)), undefined, `cut at ${cut}`);
    const unknownFlag = Buffer.from(bytes);
    unknownFlag[0] = unknownFlag[0]! | 0x80;
    assert.equal(decodeClientCookieState(unknownFlag), undefined);
    assert.equal(decodeClientCookieState(encodeClientCookieState({ ...base, protocolVersion: 'abc' })!), undefined, 'protocolVersion outside the schema');
    assert.equal(decodeClientCookieState(encodeClientCookieState({ ...base, serverId: 'x'.repeat(65) })!), undefined, 'serverId longer than the schema allows');
    assert.equal(decodeClientCookieState(encodeClientCookieState({ ...base, requestedGroupNames: Array.from({ length: 65 }, () => 'g') })!), undefined, 'more than 64 group names');
  });
});
