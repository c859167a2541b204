import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { defaultEvaluator, type SyncPage, type UpdateInfoSeen, WindowsUpdateAgentClient } from '#test-support';
import { el, kid, kids, text, textOf } from '../support/wua-client/wua-xml.js';
import { type BuiltCatalog, buildScenarioCatalog, callClientService, newScenarioIds, ScenarioServer, SECURITY_UPDATES_CLASSIFICATION, UPDATES_CLASSIFICATION } from '../support/scenario/index.js';

/**
 * MS-WSUSOD 3.3, "Initial update synchronization to update client", over HTTP against the built
 * server: a client with no cache walks GetConfig → GetAuthorizationCookie → GetCookie →
 * RegisterComputer → SyncUpdates (software, staged, paged) → SyncUpdates (drivers) →
 * GetExtendedUpdateInfo → GetFileLocations + ranged download → ReportEventBatch.
 */
describe('MS-WSUSOD 3.3: initial update synchronization to an update client', () => {
  const server = new ScenarioServer('wsusod-3-3');
  const clientId = randomUUID();
  let catalog: BuiltCatalog;
  let client: WindowsUpdateAgentClient;
  let pages: SyncPage[];

  before(async () => {
    await server.start();
    catalog = await buildScenarioCatalog(server.api, newScenarioIds(), { computerId: clientId, fillerDetectoids: 33 });
    const { ids } = catalog;
    // The client finds the chain's lower links already installed (as a real machine would).
    const installedAlready = new Set([ids.chainA, ids.chainB]);
    client = new WindowsUpdateAgentClient(
      server.url,
      { clientId, dnsName: 'pc-3-3.contoso.test' },
      { evaluator: (u) => (installedAlready.has(u.updateId ?? '') ? 'installed' : defaultEvaluator(u)) },
    );
    await client.handshake();
    pages = await client.syncSoftware();
  });
  after(() => server.dispose());

  const seen = (): UpdateInfoSeen[] => pages.flatMap((p) => p.newUpdates);
  const byUpdate = (updateId: string): UpdateInfoSeen | undefined => seen().find((u) => u.updateId === updateId);
  const pageOf = (updateId: string): number => pages.findIndex((p) => p.newUpdates.some((u) => u.updateId === updateId));

  it('pages the first round at 30 with Truncated, and never repeats a revision', () => {
    assert.equal(pages[0]!.newUpdates.length, 30, 'first page holds exactly the default page size');
    assert.equal(pages[0]!.truncated, true);
    const ids = seen().map((u) => u.revisionId);
    assert.equal(new Set(ids).size, ids.length, 'no revision offered twice');
    for (const page of pages) assert.ok(page.newUpdates.length <= 30);
    assert.equal(pages.at(-1)!.truncated, false);
  });

  it('offers everything in scope, and never the declined or unapproved updates', () => {
    const { ids } = catalog;
    const expected = [
      ids.company, ids.family, ids.product, UPDATES_CLASSIFICATION, SECURITY_UPDATES_CLASSIFICATION, ids.detectoid,
      ...catalog.fillerDetectoids, ids.chainA, ids.chainB, ids.chainC, ids.oldAgent, ids.newAgent, ids.bundle, ...ids.bundleChildren,
    ];
    for (const updateId of expected) {
      const u = byUpdate(updateId);
      assert.ok(u, `${updateId} offered`);
      assert.equal(u.revisionId, catalog.revisionIds.get(updateId), `${updateId} has its RevisionID`);
    }
    assert.equal(seen().length, expected.length, 'nothing else offered');
    assert.equal(byUpdate(ids.declined), undefined, 'declined update never sent');
    assert.equal(byUpdate(ids.later), undefined, 'unapproved update not sent (approved-only policy)');
  });

  it('stages categories, detectoids and prerequisites before what depends on them', () => {
    for (const [updateId, deps] of catalog.dependsOn) {
      if (byUpdate(updateId) === undefined) continue;
      for (const dep of deps) {
        assert.ok(pageOf(dep) >= 0, `${dep} (needed by ${updateId}) was offered`);
        assert.ok(pageOf(dep) < pageOf(updateId), `${dep} (page ${pageOf(dep)}) before ${updateId} (page ${pageOf(updateId)})`);
      }
    }
    // The chain needs three rounds after the product: A, then B, then C.
    const { ids } = catalog;
    assert.ok(pageOf(ids.product) < pageOf(ids.chainA) && pageOf(ids.chainA) < pageOf(ids.chainB) && pageOf(ids.chainB) < pageOf(ids.chainC));
  });

  it('gives every UpdateInfo a Deployment with the right Action, deadline and IsLeaf', () => {
    const { ids } = catalog;
    const evaluate = [ids.company, ids.family, ids.product, UPDATES_CLASSIFICATION, SECURITY_UPDATES_CLASSIFICATION, ids.detectoid, ids.chainA, ids.chainB];
    for (const updateId of [...evaluate, ...catalog.fillerDetectoids]) assert.equal(byUpdate(updateId)!.deploymentAction, 'Evaluate', updateId);
    for (const updateId of [ids.chainC, ids.oldAgent, ids.newAgent, ids.bundle]) assert.equal(byUpdate(updateId)!.deploymentAction, 'Install', updateId);
    for (const updateId of ids.bundleChildren) assert.equal(byUpdate(updateId)!.deploymentAction, 'Bundle', updateId);
    assert.equal(Date.parse(byUpdate(ids.chainC)!.deadline ?? ''), Date.parse(catalog.chainCDeadline), 'deadline of the approval');
    assert.equal(byUpdate(ids.newAgent)!.deadline, undefined);

    for (const updateId of evaluate) assert.equal(byUpdate(updateId)!.isLeaf, false, `${updateId} is a prerequisite: not a leaf`);
    for (const updateId of [ids.chainC, ids.oldAgent, ids.newAgent, ids.bundle, ...ids.bundleChildren, ...catalog.fillerDetectoids]) {
      assert.equal(byUpdate(updateId)!.isLeaf, true, `${updateId} is a leaf`);
    }
  });

  it('sends supersedence and bundle membership in the Core fragment', () => {
    const { ids } = catalog;
    assert.match(byUpdate(ids.newAgent)!.coreXml, new RegExp(`<SupersededUpdates><UpdateIdentity UpdateID="${ids.oldAgent}"`));
    for (const child of ids.bundleChildren) assert.match(byUpdate(ids.bundle)!.coreXml, new RegExp(`<BundledUpdates>.*UpdateID="${child}" RevisionNumber="200"`));
  });

  it('answers the driver pass with DriverSyncNotNeeded and nothing new', async () => {
    const drivers = await client.syncDrivers();
    assert.equal(drivers.driverSyncNotNeeded, 'true');
    assert.equal(drivers.newUpdates.length, 0);
    assert.equal(drivers.truncated, false);
  });

  it('returns Extended and LocalizedProperties for the offered revisions, in the client locale with fallback', async () => {
    const { ids } = catalog;
    const rev = (u: string): number => catalog.revisionIds.get(u)!;
    const result = await client.getExtendedUpdateInfo([rev(ids.chainC), rev(ids.newAgent), rev(ids.bundle)], ['Extended', 'LocalizedProperties'], ['de-DE']);
    const updates = kids(kid(kid(result, 'GetExtendedUpdateInfoResult'), 'Updates'), 'Update').map((u) => ({ id: Number(textOf(u, 'ID')), xml: textOf(u, 'Xml') ?? '' }));
    const of = (u: string) => updates.filter((x) => x.id === rev(u));
    const languages = (u: string) => of(u).map((x) => /<Language>([^<]+)<\/Language>/.exec(x.xml)?.[1]).filter((l) => l !== undefined).sort();
    assert.deepEqual(languages(ids.chainC), ['de', 'en'], 'de-DE falls back to de, and en always comes along; never fr');
    assert.deepEqual(languages(ids.newAgent), ['en'], 'an update without German falls back to en');
    assert.ok(of(ids.chainC).some((x) => x.xml.startsWith('<ExtendedProperties') && x.xml.includes('<Files>')), 'Extended fragment with its files');
    assert.ok(of(ids.chainC).some((x) => x.xml.includes('Contoso-Werkzeuge 3.0')));
    assert.ok(!of(ids.chainC).some((x) => x.xml.includes('Outils Contoso')), 'no French fragment');
    const firstExtended = updates.findIndex((x) => x.xml.startsWith('<ExtendedProperties'));
    const firstLocalized = updates.findIndex((x) => x.xml.startsWith('<LocalizedProperties'));
    assert.ok(firstExtended >= 0 && firstLocalized > firstExtended, 'grouped by requested type, in request order');
  });

  it('GetExtendedUpdateInfo2 (FileUrl) locates the bundle children\'s files by (UpdateID, RevisionNumber), not the declined update\'s', async () => {
    const { ids } = catalog;
    const cookie = client.currentCookie!;
    const identities = [...ids.bundleChildren, ids.declined].map((u) => el('UpdateIdentity', text('UpdateID', u), text('RevisionNumber', 200)));
    const result = await callClientService(server.url, 'GetExtendedUpdateInfo2', [
      el('cookie', text('Expiration', cookie.expiration), text('EncryptedData', cookie.encryptedData)),
      el('updateIDs', ...identities),
      el('infoTypes', text('XmlUpdateFragmentType', 'FileUrl')),
      el('locales', text('string', 'en-US')),
    ]);
    const locations = kids(kid(kid(result, 'GetExtendedUpdateInfo2Result'), 'FileLocations'), 'FileLocation').map((l) => ({
      digest: textOf(l, 'FileDigest'),
      url: textOf(l, 'Url') ?? '',
      algorithm: textOf(l, 'FileDigestAlgorithm'),
    }));
    const expected = ids.bundleChildren.map((u) => catalog.documents.get(u)!.digests[0]!.sha1).sort();
    assert.deepEqual(locations.map((l) => l.digest).sort(), expected);
    for (const l of locations) {
      assert.equal(l.algorithm, 'SHA1');
      assert.ok(l.url.startsWith(`${server.url}/Content/`), l.url);
    }
  });

  it('downloads the approved update\'s file by ranges with the hashes its metadata names, and reports', async () => {
    const { ids } = catalog;
    const [digest] = catalog.documents.get(ids.chainC)!.digests;
    const [location] = await client.getFileLocations([digest!.sha1]);
    assert.ok(location?.url.startsWith(`${server.url}/Content/`), JSON.stringify(location));
    const file = await client.download(location!.url, 1024 * 1024);
    assert.equal(file.bytes.length, digest!.size);
    assert.equal(file.sha1, digest!.sha1);
    assert.equal(file.sha256, digest!.sha256);

    const revisionNumber = 200;
    assert.equal(await client.reportEvents([{ eventInstanceId: randomUUID(), eventId: 183, updateId: ids.chainC, revisionNumber }]), true);
    let installed = 0;
    for (let i = 0; i < 100 && installed < 1; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      installed = (await server.api.ok<{ counts: { installed: number } }>('GET', `/api/v1/reports/updates/${ids.chainC}`)).counts.installed;
    }
    assert.equal(installed, 1, 'the report landed');
  });

  it('has nothing new on an immediate rescan', async () => {
    const again = await client.syncSoftware();
    assert.equal(again.length, 1);
    assert.deepEqual([again[0]!.newUpdates.length, again[0]!.changedUpdates.length, again[0]!.outOfScope.length], [0, 0, 0]);
  });
});
