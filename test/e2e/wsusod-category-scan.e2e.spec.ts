import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { categoryDocumentXml, fixturePath, WindowsUpdateAgentClient } from '#test-support';
import { el, kid, kids, text } from '../support/wua-client/wua-xml.js';
import {
  type BuiltCatalog,
  buildScenarioCatalog,
  callClientService,
  categoryScan,
  newScenarioIds,
  ScenarioServer,
  SECURITY_UPDATES_CLASSIFICATION,
  softwareDocument,
  UPDATES_CLASSIFICATION,
} from '../support/scenario/index.js';

/**
 * MS-WSUSOD 3.3/3.4 as a current Windows client runs them (fixtures 05–08): StartCategoryScan, a
 * staged SyncUpdates loop filtered on one product, then the regular scan; and a differential
 * category scan that must neither purge what other products deploy nor lose a change outside its
 * filter before the next full scan.
 */
describe('MS-WSUSOD 3.3/3.4 with a category scan (native client)', () => {
  const server = new ScenarioServer('wsusod-category');
  const clientId = randomUUID();
  const otherProduct = randomUUID();
  const viewer = randomUUID();
  let catalog: BuiltCatalog;
  let client: WindowsUpdateAgentClient;
  const revisionOf = new Map<string, number>();

  before(async () => {
    await server.start();
    catalog = await buildScenarioCatalog(server.api, newScenarioIds(), { computerId: clientId, fillerDetectoids: 3 });
    for (const [k, v] of catalog.revisionIds) revisionOf.set(k, v);
    // A second product of the family, with an approved update of its own.
    revisionOf.set(otherProduct, await server.api.importDocument(categoryDocumentXml({ updateId: otherProduct, title: 'Fabrikam Viewer', type: 'Product', parentId: catalog.ids.family })));
    const doc = softwareDocument({ updateId: viewer, localizations: [{ language: 'en', title: 'Fabrikam Viewer 1.1' }], categoryIds: [otherProduct, UPDATES_CLASSIFICATION], files: [{ fileName: 'viewer.exe', bytes: randomBytes(2000) }] });
    revisionOf.set(viewer, await server.api.importDocument(doc.xml, doc.files));
    await server.api.approve(viewer, catalog.groupId, 'Install');
    const chain = new Set([catalog.ids.chainA, catalog.ids.chainB]);
    client = new WindowsUpdateAgentClient(
      server.url,
      { clientId, dnsName: 'pc-cat.contoso.test' },
      { evaluator: (u) => (u.updateType === 'Category' || u.updateType === 'Detectoid' || chain.has(u.updateId ?? '') ? 'installed' : 'not-installed') },
    );
    await client.handshake();
  });
  after(() => server.dispose());

  const installed = (u: { updateType: string | undefined; updateId: string | undefined }): boolean =>
    u.updateType === 'Category' || u.updateType === 'Detectoid' || u.updateId === catalog.ids.chainA || u.updateId === catalog.ids.chainB;
  const rev = (u: string): number => revisionOf.get(u)!;
  const sorted = (xs: Iterable<number>): number[] => [...new Set(xs)].sort((a, b) => a - b);

  it('StartCategoryScan echoes the product as preferred', async () => {
    const result = await callClientService(server.url, 'StartCategoryScan', [
      el('requestedCategories', el('CategoryRelationship', text('IndexOfAndGroup', 0), text('CategoryId', catalog.ids.product))),
    ]);
    // Fixture 05: preferredCategoryIds/guid directly in the response element.
    const preferred = kids(kid(result, 'preferredCategoryIds'), 'guid').map((g) => g.text);
    assert.deepEqual(preferred, [catalog.ids.product]);
  });

  it('the filtered scan stages the product\'s tree and its updates, nothing of the other product', async () => {
    const pages = await categoryScan(client, [catalog.ids.product], installed);
    const { ids } = catalog;
    const expected = [
      ids.company, ids.family, ids.product, UPDATES_CLASSIFICATION, SECURITY_UPDATES_CLASSIFICATION, ids.detectoid,
      ids.chainA, ids.chainB, ids.chainC, ids.oldAgent, ids.newAgent, ids.bundle, ...ids.bundleChildren,
    ];
    const offered = pages.flatMap((p) => p.newUpdates);
    assert.deepEqual(sorted(offered.map((u) => u.revisionId)), sorted(expected.map(rev)));
    assert.deepEqual(pages[0]!.newUpdates.map((u) => u.updateId).filter((u) => u === ids.company), [ids.company], 'the company first, as WS2025 (fixture 06)');
    assert.deepEqual(sorted(pages.flatMap((p) => p.outOfScope)), []);
  });

  it('the regular scan then brings the rest and purges nothing', async () => {
    const pages = await client.syncSoftware();
    const newIds = sorted(pages.flatMap((p) => p.newUpdates.map((u) => u.revisionId)));
    assert.deepEqual(newIds, sorted([...catalog.fillerDetectoids, otherProduct, viewer].map(rev)));
    assert.deepEqual(pages.flatMap((p) => p.outOfScope), []);
    assert.deepEqual(pages.flatMap((p) => p.changedUpdates), []);
  });

  it('a differential category scan reports changes inside its product only, splits the rest, and the full scan still gets the outside change', async () => {
    await server.api.approve(catalog.ids.chainC, catalog.groupId, 'Install', '2027-09-01T00:00:00.000Z');
    await server.api.approve(viewer, catalog.groupId, 'Install', '2027-09-02T00:00:00.000Z');
    const pages = await categoryScan(client, [catalog.ids.product], installed);
    assert.deepEqual(sorted(pages.flatMap((p) => p.changedIds)), [rev(catalog.ids.chainC)]);
    assert.deepEqual(pages.flatMap((p) => p.outOfScope), [], 'nothing another product deploys is purged');
    assert.deepEqual(pages.flatMap((p) => p.newUpdates), []);
    const split = new Set(pages.flatMap((p) => p.deployedOutOfScope));
    for (const u of [...catalog.fillerDetectoids, otherProduct, viewer]) assert.ok(split.has(rev(u)), `${u} is DeployedOutOfScope`);

    const full = await client.syncSoftware();
    const changed = full.flatMap((p) => p.changedUpdates);
    assert.ok(changed.some((u) => u.revisionId === rev(viewer)), 'the viewer\'s new deadline reaches the client at the full scan');
    assert.equal(Date.parse(changed.find((u) => u.revisionId === rev(viewer))!.deadline ?? ''), Date.parse('2027-09-02T00:00:00.000Z'));
    assert.deepEqual(full.flatMap((p) => p.outOfScope), []);
    const quiet = await client.syncSoftware();
    assert.deepEqual([quiet[0]!.newUpdates.length, quiet[0]!.changedUpdates.length, quiet[0]!.outOfScope.length], [0, 0, 0]);
  });

  it('StartCategoryScan knows each id\'s kind: companies and families are product categories, a classification alone is not allowed, detectoids and unknown ids are errors', async () => {
    const { ids } = catalog;
    const ask = async (groups: readonly (readonly string[])[]): Promise<{ preferred: string[]; inError: string[] }> => {
      const result = await callClientService(server.url, 'StartCategoryScan', [
        el('requestedCategories', ...groups.flatMap((g, i) => g.map((id) => el('CategoryRelationship', text('IndexOfAndGroup', i), text('CategoryId', id))))),
      ]);
      return { preferred: kids(kid(result, 'preferredCategoryIds'), 'guid').map((g) => g.text), inError: kids(kid(result, 'requestedCategoryIdsInError'), 'guid').map((g) => g.text) };
    };
    assert.deepEqual(await ask([[ids.family], [ids.company]]), { preferred: [ids.family, ids.company], inError: [] });
    assert.deepEqual(await ask([[ids.product, UPDATES_CLASSIFICATION], [otherProduct]]), { preferred: [ids.product, otherProduct], inError: [] });
    const unknown = randomUUID();
    assert.deepEqual(await ask([[ids.product], [unknown, ids.family], [ids.detectoid]]), { preferred: [ids.product], inError: [unknown, ids.detectoid] });
    assert.deepEqual(await ask([[ids.product], [UPDATES_CLASSIFICATION]]), { preferred: [], inError: [] }, 'a classification alone clears the list (§3.1.5.6)');
    assert.deepEqual(await ask([[ids.product, otherProduct]]), { preferred: [], inError: [] }, 'two products in one AND-group are not allowed');
  });

  it('StartCategoryScan answers the captured native request in the captured shape once the product is in the catalog (fixture 05)', async () => {
    const captured = 'dd78b8a1-0b20-45c1-add6-4da72e9364cf';
    await server.api.importDocument(categoryDocumentXml({ updateId: captured, title: 'Windows 11 (captured)', type: 'Product', parentId: catalog.ids.family }));
    const response = await fetch(`${server.url}/ClientWebService/client.asmx`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/StartCategoryScan"' },
      body: readFileSync(fixturePath('wusp-native-scan', '05-StartCategoryScan.request.xml'), 'utf8'),
    });
    const body = await response.text();
    assert.equal(response.status, 200, body);
    const expected = readFileSync(fixturePath('wusp-native-scan', '05-StartCategoryScan.response.xml'), 'utf8');
    assert.equal(body.replace(/^.*?<StartCategoryScanResponse/, ''), expected.replace(/^.*?<StartCategoryScanResponse/, ''));
  });

  it('a category scan on the product family (or the company) covers every product under it', async () => {
    const { ids } = catalog;
    const productScope = [
      ids.company, ids.family, ids.product, UPDATES_CLASSIFICATION, SECURITY_UPDATES_CLASSIFICATION, ids.detectoid,
      ids.chainA, ids.chainB, ids.chainC, ids.oldAgent, ids.newAgent, ids.bundle, ...ids.bundleChildren,
    ];
    for (const filter of [ids.family, ids.company]) {
      const fresh = new WindowsUpdateAgentClient(server.url, { clientId, dnsName: 'pc-cat.contoso.test' });
      await fresh.handshake();
      const pages = await categoryScan(fresh, [filter], installed);
      const offered = new Set(pages.flatMap((p) => p.newUpdates.map((u) => u.revisionId)));
      for (const u of [...productScope, otherProduct, viewer]) assert.ok(offered.has(rev(u)), `${u} is offered for ${filter === ids.family ? 'the family' : 'the company'}`);
      for (const u of catalog.fillerDetectoids) assert.equal(offered.has(rev(u)), false, 'detectoids no update of the family needs stay out');
    }
  });
});
