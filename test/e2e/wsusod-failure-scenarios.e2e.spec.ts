import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ApplicabilityEvaluator, runWatershedCli, type SyncPage, WindowsUpdateAgentClient } from '#test-support';
import { CookieSealer } from '../../libs/soap-gateway/src/cookies/cookie-sealer.js';
import { readClientCookie } from '../../libs/soap-gateway/src/cookies/testing/read-client-cookie.js';
import { type BuiltCatalog, buildScenarioCatalog, faultOf, newScenarioIds, ScenarioServer, type ScenarioIds, setClientCookie } from '../support/scenario/index.js';

function evaluatorFor(ids: ScenarioIds): ApplicabilityEvaluator {
  const chain = new Set([ids.chainA, ids.chainB]);
  return (u) => (u.updateType === 'Category' || u.updateType === 'Detectoid' || chain.has(u.updateId ?? '') ? 'installed' : 'not-installed');
}

const summary = (pages: readonly SyncPage[]) => ({
  newIds: pages.flatMap((p) => p.newUpdates.map((u) => u.revisionId)).sort((a, b) => a - b),
  changedIds: pages.flatMap((p) => p.changedUpdates.map((u) => u.revisionId)).sort((a, b) => a - b),
  outOfScope: pages.flatMap((p) => p.outOfScope).sort((a, b) => a - b),
});

/**
 * MS-WSUSOD 2.7 failure scenarios on the client path (and the MS-WUSP faults the overview's
 * examples say make a client renew its cookie), each recovered the way a client does: renew and
 * continue, retry later, or resynchronize from an empty store.
 */
describe('MS-WSUSOD 2.7: failure scenarios on the client path', () => {
  const server = new ScenarioServer('wsusod-2-7');
  const clientId = randomUUID();
  let catalog: BuiltCatalog;
  let client: WindowsUpdateAgentClient;
  let sealer: CookieSealer;

  before(async () => {
    await server.start();
    catalog = await buildScenarioCatalog(server.api, newScenarioIds(), { computerId: clientId, fillerDetectoids: 33 });
    const key = Buffer.from(readFileSync(path.join(server.dataDir, 'cookie-key'), 'utf8').trim(), 'base64');
    sealer = new CookieSealer([{ id: 'local', key }]);
    client = new WindowsUpdateAgentClient(server.url, { clientId, dnsName: 'pc-2-7.contoso.test' }, { evaluator: evaluatorFor(catalog.ids) });
    await client.handshake();
  });
  after(() => server.dispose());

  /** Everything one full scan from nothing offers: the reference for resumed and repeated scans. */
  const expectedRevisionIds = (): number[] => {
    const { ids } = catalog;
    const inScope = [
      ...[...catalog.revisionIds.keys()].filter((u) => u !== ids.declined && u !== ids.later),
    ];
    return inScope.map((u) => catalog.revisionIds.get(u)!).sort((a, b) => a - b);
  };

  it('server restarted mid-scan (and unreachable meanwhile): the client retries and resumes with its cookie', async () => {
    const first = await client.syncUpdatesPage();
    assert.equal(first.truncated, true, 'the scan is mid-way');
    for (const u of first.newUpdates) (u.isLeaf ? client.otherCached : client.installedNonLeaf).add(u.revisionId);
    for (const u of first.newUpdates) client.cache.set(u.revisionId, u);
    const port = server.port;
    await server.stop();
    // 2.7.1.1: while the server is down the call fails below SOAP; the client retries later.
    await assert.rejects(() => client.syncUpdatesPage(), (error: Error) => !('errorCode' in error));
    await server.start({}, port);
    const rest = await client.syncSoftware();
    const offered = [...first.newUpdates, ...rest.flatMap((p) => p.newUpdates)].map((u) => u.revisionId).sort((a, b) => a - b);
    assert.deepEqual(offered, expectedRevisionIds(), 'every revision exactly once across the restart');
    assert.deepEqual(summary(rest).outOfScope, []);
  });

  it('cookie expired: CookieExpired on every cookie-bearing call, then GetAuthorizationCookie + GetCookie and the scan continues where it was', async () => {
    const live = client.currentCookie!;
    const state = readClientCookie(sealer, live.encryptedData);
    const past = new Date(Date.now() - 60_000);
    const expired = { ...state, issuedAt: new Date(past.getTime() - 3_600_000).toISOString(), expiresAt: past.toISOString() };
    setClientCookie(client, { expiration: past.toISOString(), encryptedData: sealer.seal('client', Buffer.from(JSON.stringify(expired))).toString('base64') });

    const chainC = catalog.revisionIds.get(catalog.ids.chainC)!;
    assert.equal(await faultOf(() => client.syncUpdatesPage()), 'CookieExpired');
    assert.equal(await faultOf(() => client.getExtendedUpdateInfo([chainC], ['Extended'])), 'CookieExpired');
    assert.equal(await faultOf(() => client.getFileLocations([catalog.documents.get(catalog.ids.chainC)!.digests[0]!.sha1])), 'CookieExpired');
    const report = { eventInstanceId: randomUUID(), eventId: 183, updateId: catalog.ids.chainC, revisionNumber: 200 };
    assert.equal(await faultOf(() => client.reportEvents([report])), 'CookieExpired');

    // MS-WUSP: CookieExpired → GetAuthorizationCookie, GetCookie (the expired cookie as oldCookie).
    await client.getAuthorizationCookie();
    await client.getCookie();
    const scan = summary(await client.syncSoftware());
    assert.deepEqual(scan, { newIds: [], changedIds: [], outOfScope: [] }, 'the renewed cookie kept the sync anchor: nothing resent');
    assert.equal(await client.reportEvents([report]), true, 'the report that was refused goes through');

    await server.api.approve(catalog.ids.later, catalog.groupId, 'Install');
    assert.deepEqual(summary(await client.syncSoftware()), { newIds: [catalog.revisionIds.get(catalog.ids.later)!], changedIds: [], outOfScope: [] });
  });

  it('configuration changed mid-handshake: GetCookie says ConfigChanged and the client starts over from GetConfig, as WUA does', async () => {
    // Before the shared client's own ConfigChanged test, which recovers it from this change too.
    const calls: string[] = [];
    let changeAfterAuthorization = true;
    /** A client whose configuration changes on the server right after its first GetAuthorizationCookie. */
    class ChangedUnderfoot extends WindowsUpdateAgentClient {
      override async getConfig() {
        calls.push('GetConfig');
        return super.getConfig();
      }
      override async getAuthorizationCookie() {
        calls.push('GetAuthorizationCookie');
        await super.getAuthorizationCookie();
        if (!changeAfterAuthorization) return;
        changeAfterAuthorization = false;
        await server.api.ok('PUT', '/api/v1/configuration/targeting-mode', { mode: 'client-side' });
        await server.api.ok('PUT', '/api/v1/configuration/targeting-mode', { mode: 'server-side' });
      }
    }
    const late = new ChangedUnderfoot(server.url, { clientId: randomUUID(), dnsName: 'pc-2-7-late.contoso.test' }, { evaluator: evaluatorFor(catalog.ids) });
    await late.handshake();
    assert.deepEqual(calls, ['GetConfig', 'GetAuthorizationCookie', 'GetConfig', 'GetAuthorizationCookie'], 'GetCookie refused the first cookie once, then the handshake started over');
    assert.ok(summary(await late.syncSoftware()).newIds.length > 0, 'the computer that joined during the change scans normally');
  });

  it('configuration changed: ConfigChanged, then GetConfig → GetAuthorizationCookie → GetCookie and the scan continues', async () => {
    await server.api.ok('PUT', '/api/v1/configuration/targeting-mode', { mode: 'client-side' });
    await server.api.ok('PUT', '/api/v1/configuration/targeting-mode', { mode: 'server-side' });
    assert.equal(await faultOf(() => client.syncUpdatesPage()), 'ConfigChanged');
    await client.getConfig();
    await client.getAuthorizationCookie();
    await client.getCookie();
    const scan = summary(await client.syncSoftware());
    assert.deepEqual([scan.newIds, scan.outOfScope], [[], []], 'nothing came or went; deployments may be resent after a targeting change');
  });

  it('client data store corrupted (2.7.1.2): reset to empty, it resynchronizes everything with the same cookie', async () => {
    client.cache.clear();
    client.installedNonLeaf.clear();
    client.otherCached.clear();
    const pages = await client.syncSoftware();
    const { ids } = catalog;
    const expected = [...expectedRevisionIds(), catalog.revisionIds.get(ids.later)!].sort((a, b) => a - b);
    assert.deepEqual(summary(pages).newIds, expected, 'the anchor in the cookie does not hide anything from an empty cache');
  });

  it('a tampered cookie: InvalidCookie, then the full handshake', async () => {
    const live = client.currentCookie!;
    const bytes = Buffer.from(live.encryptedData, 'base64');
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01;
    setClientCookie(client, { expiration: live.expiration, encryptedData: bytes.toString('base64') });
    assert.equal(await faultOf(() => client.syncUpdatesPage()), 'InvalidCookie');
    setClientCookie(client, null);
    await client.handshake();
    const scan = summary(await client.syncSoftware());
    assert.deepEqual([scan.newIds, scan.outOfScope], [[], []]);
  });

  it('server data store restored from a backup (2.7.1.2): a cookie whose anchor the restored log never reached gets ServerChanged, and the client re-handshakes, re-maps its cache and resynchronizes', async () => {
    const backup = `${server.dataDir}-backup`;
    const port = server.port;
    await server.stop();
    cpSync(server.dataDir, backup, { recursive: true });
    await server.start({}, port);
    try {
      // After the backup: a new approval the client receives (its anchor moves past the backup).
      const { ids } = catalog;
      await server.api.unapprove(ids.later, catalog.groupId);
      await server.api.approve(ids.newAgent, catalog.groupId, 'Install', '2027-12-24T00:00:00.000Z');
      const before = summary(await client.syncSoftware());
      assert.deepEqual(before.outOfScope, [catalog.revisionIds.get(ids.later)!]);
      assert.deepEqual(before.changedIds, [catalog.revisionIds.get(ids.newAgent)!]);

      await server.stop();
      rmSync(server.dataDir, { recursive: true, force: true });
      cpSync(backup, server.dataDir, { recursive: true });
      await server.start({}, port);
      // The restored server has `later` approved again and no deadline on the new agent. Its log ends
      // before the client's anchor: the RevisionIDs handed out since may name other revisions now.
      assert.equal(await faultOf(() => client.syncUpdatesPage()), 'ServerChanged');
      const { pages, recovered } = await client.syncSoftwareRecovering();
      assert.deepEqual(recovered, ['ServerChanged']);
      const after = summary(pages);
      assert.deepEqual(after.newIds, [catalog.revisionIds.get(ids.later)!], 'the restored approval comes back');
      assert.ok(after.changedIds.includes(catalog.revisionIds.get(ids.newAgent)!), 'the deployment the restored log holds is resent');
      const agent = pages.flatMap((p) => p.changedUpdates).find((u) => u.updateId === ids.newAgent);
      assert.equal(agent?.deadline, undefined);
      assert.deepEqual(after.outOfScope, []);
    } finally {
      rmSync(backup, { recursive: true, force: true });
    }
  });

  it('client state reset by the administrator (after a restore): every older cookie gets ServerChanged, the client recovers, newer cookies are untouched', async () => {
    const env = { WATERSHED_SERVER: server.url, WATERSHED_TOKEN: server.token };
    // Up to date first, with the cookie kept aside as a client that was offline would hold it.
    setClientCookie(client, null);
    await client.handshake();
    await client.syncSoftware();
    const oldCookie = client.currentCookie!;
    const before = new Set(client.cache.keys());

    const reset = runWatershedCli(['cookies', 'reset', '--reason', 'restored from the backup of last night', '--json'], env);
    assert.equal(reset.code, 0, reset.stderr);
    assert.equal((JSON.parse(reset.stdout) as { reason: string }).reason, 'restored from the backup of last night');
    assert.notEqual(runWatershedCli(['cookies', 'reset', '--reason', ' '], env).code, 0, 'an empty reason is refused');

    // Every call with a cookie from before the reset: ServerChanged (GetCookie's oldCookie too).
    let code: string | undefined;
    for (let i = 0; i < 50 && code !== 'ServerChanged'; i += 1) {
      code = await faultOf(() => client.syncUpdatesPage());
      if (code !== 'ServerChanged') await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(code, 'ServerChanged');
    assert.equal(await faultOf(() => client.getFileLocations([])), 'ServerChanged');
    assert.equal(await faultOf(() => client.getCookie()), 'ServerChanged', 'GetCookie with the old cookie as oldCookie');

    const { pages, recovered } = await client.syncSoftwareRecovering();
    assert.deepEqual(recovered, ['ServerChanged']);
    const rescan = summary(pages);
    assert.deepEqual([rescan.newIds, rescan.outOfScope], [[], []], 'nothing lost, nothing new: the cache was re-mapped');
    assert.deepEqual(new Set(client.cache.keys()), before);
    // The cookie issued after the reset keeps working; the old one stays refused.
    const quiet = summary(await client.syncSoftware());
    assert.deepEqual([quiet.newIds, quiet.changedIds, quiet.outOfScope], [[], [], []]);
    setClientCookie(client, oldCookie);
    assert.equal(await faultOf(() => client.syncUpdatesPage()), 'ServerChanged');
  });
});
