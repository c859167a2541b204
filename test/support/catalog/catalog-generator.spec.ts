import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readUpdateDocument } from '#wsus-codecs/update-metadata';
import { type CatalogOptions, documentSizeSpread, fileContent, generateCatalog } from './catalog-generator.js';
import { createHash } from 'node:crypto';

const OPTIONS: CatalogOptions = { seed: 7, revisions: 400, contentEvery: 20, fileSizes: [4096, 70_000], largeEvery: 150, giantBytes: 1_500_000, approvedFraction: 0.3 };

describe('generateCatalog', () => {
  it('is deterministic: the same seed gives the same documents and approvals', () => {
    const a = generateCatalog(OPTIONS);
    const b = generateCatalog(OPTIONS);
    assert.deepEqual(a.items.map((i) => i.xml), b.items.map((i) => i.xml));
    assert.deepEqual(a.approvals, b.approvals);
    assert.notDeepEqual(generateCatalog({ ...OPTIONS, seed: 8 }).items.map((i) => i.updateId), a.items.map((i) => i.updateId));
  });

  it('makes the requested number of documents, every one a valid update document, of every kind', () => {
    const catalog = generateCatalog(OPTIONS);
    assert.equal(catalog.items.length, OPTIONS.revisions);
    const kinds = new Set(catalog.items.map((i) => i.kind));
    for (const k of ['category', 'detectoid', 'leaf', 'bundle-child', 'bundle', 'revision', 'giant']) assert.ok(kinds.has(k as never), k);
    for (const item of catalog.items) {
      const doc = readUpdateDocument(item.xml);
      assert.equal(doc.summary.identity.updateId.toLowerCase(), item.updateId);
      assert.equal(doc.summary.identity.revisionNumber, item.revisionNumber);
    }
  });

  it('spreads document sizes (most 2–20 KB, some over 1 MB) and gives files real bytes matching their digests', () => {
    const catalog = generateCatalog(OPTIONS);
    const spread = documentSizeSpread(catalog);
    assert.ok(spread.from2To20KB > catalog.items.length / 2, JSON.stringify(spread));
    assert.ok(spread.over1MB >= 2, JSON.stringify(spread));
    assert.ok(catalog.downloadable.size > 0);
    for (const file of catalog.downloadable.values()) {
      const bytes = fileContent(file);
      assert.equal(bytes.length, file.size);
      assert.equal(createHash('sha1').update(bytes).digest('base64'), file.sha1Base64);
    }
  });

  it('builds detectoid chains under products (prerequisite chains several levels deep) and approvals on nested groups', () => {
    const catalog = generateCatalog(OPTIONS);
    const byId = new Map(catalog.items.map((i) => [i.updateId, readUpdateDocument(i.xml).summary]));
    const leaf = catalog.items.find((i) => i.kind === 'leaf')!;
    let depth = 0;
    let current = byId.get(leaf.updateId)!;
    // Follow the first plain (non-category) prerequisite down the chain.
    for (;;) {
      const next = JSON.stringify(current).match(/"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"/g)?.map((s) => s.slice(1, -1)).find((id) => id !== current.identity.updateId.toLowerCase() && catalog.items.some((i) => i.kind === 'detectoid' && i.updateId === id));
      if (!next) break;
      depth += 1;
      current = byId.get(next)!;
      if (depth > 10) break;
    }
    assert.ok(depth >= 3, `detectoid chain depth ${depth}`);
    assert.ok(catalog.groups.some((g) => g.parent !== null && catalog.groups.find((p) => p.name === g.parent)?.parent !== null), 'groups nest at least three deep');
    assert.ok(new Set(catalog.approvals.map((a) => a.group)).size >= 4);
  });
});

describe('generateCatalog with drivers', () => {
  it('adds driver updates on their own random stream: the rest of the catalog is unchanged, the drivers deterministic', () => {
    const plain = generateCatalog(OPTIONS);
    const withDrivers = generateCatalog({ ...OPTIONS, drivers: 40 });
    assert.deepEqual(withDrivers.items.slice(0, plain.items.length).map((i) => i.xml), plain.items.map((i) => i.xml));
    assert.deepEqual(withDrivers.approvals.slice(0, plain.approvals.length), plain.approvals);
    assert.equal(withDrivers.items.length, plain.items.length + 41, 'the Drivers classification and 40 drivers');
    assert.deepEqual(generateCatalog({ ...OPTIONS, drivers: 40 }).items.map((i) => i.xml), withDrivers.items.map((i) => i.xml));
    assert.deepEqual(plain.systemSpecs, []);
  });

  it('makes valid driver documents whose rows the computer models can match, some approved, some printers, some CHID-targeted', () => {
    const catalog = generateCatalog({ ...OPTIONS, drivers: 60 });
    const drivers = catalog.items.filter((i) => i.kind === 'driver').map((i) => readUpdateDocument(i.xml).summary);
    assert.equal(drivers.length, 60);
    assert.ok(drivers.every((d) => d.updateType === 'Driver' && d.drivers.length > 0));
    const rows = drivers.flatMap((d) => d.drivers);
    assert.ok(rows.some((r) => r.class === 'Printers'));
    assert.ok(rows.some((r) => r.distributionComputerHardwareIds.length > 0));
    assert.ok(rows.some((r) => r.featureScores.length > 0));
    const deviceIds = new Set(catalog.systemSpecs.flatMap((s) => s.devices.flatMap((d) => [...d.hardwareIds, ...(d.compatibleIds ?? [])])).map((id) => id.toLowerCase()));
    assert.ok(rows.filter((r) => deviceIds.has(r.hardwareId.toLowerCase())).length > 10, 'computer models have devices the drivers match');
    const driverIds = new Set(catalog.items.filter((i) => i.kind === 'driver').map((i) => i.updateId));
    assert.ok(catalog.approvals.filter((a) => driverIds.has(a.updateId)).length > 20);
  });
});
