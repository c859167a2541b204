import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Cookie, CookieOut } from '#wsus-codecs';
import { WuspFault } from '../wusp-endpoint/wusp-operation.handler.js';
import type { ServerConfigurationSnapshot, ServerConfigurationView } from '../server-state/server-configuration.view.js';
import { ClientCookies } from './client-cookies.service.js';
import { COOKIE_FORMAT_BINARY_CLIENT, COOKIE_FORMAT_JSON, CookieSealer } from './cookie-sealer.js';
import type { ClientCookieState } from './domain/cookie-payload.js';

const server: ServerConfigurationSnapshot = {
  serverId: '6f1c2f1e-96a4-4c5e-9a55-0d4c0c3f2b11',
  configGeneration: new Date('2026-10-04T13:17:07.590Z'),
  targetingMode: 'client-side',
  contentBaseUrl: null,
  rollup: 'summary',
  clientStateEpoch: null,
};
// The in-memory view of the log the service reads; no store is involved in sealing and opening.
const configuration = { snapshot: async () => server } as unknown as ServerConfigurationView;
const now = new Date('2026-10-04T15:03:36.000Z');
/** A NewCookie as the client sends it back on the next call. */
const echo = (cookie: CookieOut): Cookie => ({ expiration: String(cookie.expiration), encryptedData: cookie.encryptedData! });
const input = {
  computerId: 'e1da06a3-5601-43c9-bac3-52d5db701494',
  dnsName: 'pc1',
  requestedGroupNames: ['Sales'],
  groupIds: ['0b1b2b3b-0000-1111-2222-333344445555'],
  protocolVersion: '2.90',
  lastSyncAnchor: null,
  lastSyncAt: null,
};

describe('ClientCookies: cookie formats', () => {
  const sealer = new CookieSealer([{ id: 'k1', key: randomBytes(32) }]);
  const cookies = new ClientCookies(sealer, configuration);

  it('issues and renews format-2 cookies that open to the same state', async () => {
    const { cookie, state } = await cookies.issue(input, now);
    assert.equal(cookie.encryptedData?.[0], COOKIE_FORMAT_BINARY_CLIENT);
    assert.deepEqual((await cookies.open(echo(cookie), now, { checkConfiguration: true })).state, state);
    const renewed = cookies.renew(state, { lastSyncAnchor: '0000000000012345.3', lastSyncAt: now.toISOString() });
    assert.equal(renewed.expiration, cookie.expiration, 'a NewCookie keeps the expiry');
    assert.deepEqual((await cookies.open(echo(renewed), now)).state, { ...state, lastSyncAnchor: '0000000000012345.3', lastSyncAt: now.toISOString() });
  });

  it('still opens a format-1 (JSON) cookie sealed before format 2, and renews it as format 2', async () => {
    const { state } = await cookies.issue(input, now);
    const legacy: ClientCookieState = { ...state, lastSyncAnchor: '0000000000000007.1', lastSyncAt: now.toISOString() };
    const sealed = sealer.seal('client', Buffer.from(JSON.stringify(legacy)), COOKIE_FORMAT_JSON);
    const opened = await cookies.open({ expiration: '2026-10-04T16:03:36.0000000Z', encryptedData: sealed }, now, { checkConfiguration: true });
    assert.deepEqual(opened.state, legacy);
    assert.equal(cookies.renew(opened.state).encryptedData?.[0], COOKIE_FORMAT_BINARY_CLIENT);
  });

  it('a format-1 cookie from before stateEpoch existed opens without the field', async () => {
    const { state } = await cookies.issue(input, now);
    const { stateEpoch: _, ...older } = state;
    const sealed = sealer.seal('client', Buffer.from(JSON.stringify(older)));
    const opened = await cookies.open({ expiration: 'x', encryptedData: sealed }, now);
    assert.ok(!('stateEpoch' in opened.state));
    assert.deepEqual((await cookies.open(echo(cookies.renew(opened.state)), now)).state, opened.state);
  });

  it('InvalidCookie for an authenticated payload that is not a state, in either format', async () => {
    for (const sealed of [sealer.seal('client', Buffer.from('{"kind":"client"}'), COOKIE_FORMAT_JSON), sealer.seal('client', Buffer.from([0, 1, 2]), COOKIE_FORMAT_BINARY_CLIENT)]) {
      await assert.rejects(
        () => cookies.open({ expiration: 'x', encryptedData: sealed }, now),
        (error: unknown) => error instanceof WuspFault && error.errorCode === 'InvalidCookie',
      );
    }
  });

  it('authorization cookies stay format 1 and are not opened as format 2', async () => {
    const auth = await cookies.issueAuthorization({ computerId: input.computerId, dnsName: 'pc1', requestedGroupNames: [], groupIds: null }, now);
    assert.equal(auth[0], COOKIE_FORMAT_JSON);
    assert.equal((await cookies.openAuthorization(auth, now)).computerId, input.computerId);
    const binary = sealer.seal('authorization', Buffer.from([0]), COOKIE_FORMAT_BINARY_CLIENT);
    await assert.rejects(() => cookies.openAuthorization(binary, now), (error: unknown) => error instanceof WuspFault && error.errorCode === 'InvalidAuthorizationCookie');
  });
});
