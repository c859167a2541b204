import { createHash } from 'node:crypto';
import type { SimulatedDevice, SimulatedSystemSpec } from '../wua-client/wua-client.js';
import { categoryDocumentXml, type CategoryType } from './category-document.js';
import { driverDocumentXml, type DriverRowSpec } from './driver-document.js';
import { deterministicBytes, Prng } from './prng.js';
import { type DocumentFile, type LocalizedText, updateDocumentXml } from './update-documents.js';

/**
 * A realistic, deterministic catalog: companies → product families → products, classifications,
 * detectoid chains (prerequisite chains several levels deep), leaf software updates in supersedence
 * series, bundles with leaf children, several languages, files with real bytes, a document-size
 * spread (most 2–20 KB, some over 1 MB, optionally one giant), second revisions, and approvals on a
 * tree of nested groups. Every document goes through the server's import API; nothing here talks to
 * a database.
 */
export interface CatalogOptions {
  readonly seed: number;
  /** Total revisions (documents) in the catalog, categories and detectoids included. */
  readonly revisions: number;
  /** One leaf in this many carries real file bytes to upload (the rest declare files only). */
  readonly contentEvery: number;
  /** Sizes (bytes) real files are drawn from. */
  readonly fileSizes: readonly number[];
  /** One software update in this many gets a document over 1 MB. */
  readonly largeEvery: number;
  /** Size of one giant document (e.g. 21 MB at full size); 0 for none. */
  readonly giantBytes: number;
  /** Fraction of deployable updates approved for some group. */
  readonly approvedFraction: number;
  /**
   * Driver updates added beyond `revisions` (plus the Drivers classification), drawn from their own
   * random stream so the rest of the catalog is the same with or without them. Default 0.
   */
  readonly drivers?: number;
}

export interface CatalogFile extends DocumentFile {
  /** Bytes are regenerated from this name on upload, so the catalog never holds them all. */
  readonly seedName: string | null;
}

export type CatalogItemKind = 'category' | 'detectoid' | 'leaf' | 'bundle-child' | 'bundle' | 'revision' | 'giant' | 'driver';

export interface CatalogItem {
  readonly kind: CatalogItemKind;
  readonly updateId: string;
  readonly revisionNumber: number;
  readonly xml: string;
  readonly files: readonly CatalogFile[];
}

export interface GroupSpec {
  readonly name: string;
  readonly parent: string | null;
}

export interface ApprovalSpec {
  readonly updateId: string;
  readonly group: string;
  readonly action: 'Install' | 'OptionalInstall';
}

export interface Catalog {
  readonly items: readonly CatalogItem[];
  readonly groups: readonly GroupSpec[];
  /** Groups clients join (client-side targeting); each inherits its ancestors' approvals. */
  readonly clientGroups: readonly string[];
  readonly approvals: readonly ApprovalSpec[];
  /** Leaf updates whose file bytes are uploaded: what a simulated client downloads. */
  readonly downloadable: ReadonlyMap<string, CatalogFile>;
  /**
   * Computer models for the driver pass (devices with installed drivers, CHIDs): simulated
   * computers take them in turn. Empty when the catalog has no drivers.
   */
  readonly systemSpecs: readonly SimulatedSystemSpec[];
  /**
   * The catalog's products (Product categories) and the detectoid chain under each: what a client
   * that has only some products installed evaluates as installed (see the bench's product-set fleet).
   */
  readonly products: readonly CatalogProduct[];
}

export interface CatalogProduct {
  readonly productId: string;
  readonly detectoidIds: readonly string[];
}

export const CLASSIFICATIONS: readonly { id: string; title: string }[] = [
  { id: 'cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83', title: 'Updates' },
  { id: '0fa1201d-4330-4fa8-8ae9-b877473b6441', title: 'Security Updates' },
  { id: 'e6cf1350-c01b-414d-a61f-263d14d133b4', title: 'Critical Updates' },
  { id: 'e0789628-ce08-4437-be74-2495b842f43b', title: 'Definition Updates' },
  { id: 'b54e7d24-7add-428f-8b75-90a396fa584f', title: 'Feature Packs' },
  { id: '28bc880e-0592-4cbf-8f95-c79b17911d5f', title: 'Update Rollups' },
];
const LANGUAGES = ['de', 'fr', 'ja', 'es', 'pt-br', 'zh-cn', 'ko', 'it'];
const GROUPS: readonly GroupSpec[] = [
  { name: 'Workstations', parent: null },
  { name: 'Pilot', parent: 'Workstations' },
  { name: 'Broad', parent: 'Workstations' },
  { name: 'Sales', parent: 'Broad' },
  { name: 'Engineering', parent: 'Broad' },
  { name: 'Servers', parent: null },
  { name: 'Critical Servers', parent: 'Servers' },
  { name: 'Standard Servers', parent: 'Servers' },
];
const CLIENT_GROUPS = ['Pilot', 'Sales', 'Engineering', 'Critical Servers', 'Standard Servers'];
/** Depth of each product's detectoid chain: with company → family → product, six staged levels. */
const DETECTOID_DEPTH = 3;
const WORDS = 'security cumulative servicing stack component driver runtime framework agent quality reliability improves addresses vulnerability remote code execution elevation privilege'.split(' ');

export function generateCatalog(options: CatalogOptions): Catalog {
  const rng = new Prng(options.seed);
  const items: CatalogItem[] = [];
  const date = (i: number): string => new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '.000Z');
  const text = (bytes: number): string => {
    const parts: string[] = [];
    let n = 0;
    while (n < bytes) {
      const w = rng.pick(WORDS);
      parts.push(w);
      n += w.length + 1;
    }
    return parts.join(' ');
  };
  const category = (title: string, type: CategoryType, parentId?: string): string => {
    const updateId = rng.uuid();
    items.push({ kind: 'category', updateId, revisionNumber: 100, xml: categoryDocumentXml({ updateId, title, type, ...(parentId ? { parentId } : {}) }), files: [] });
    return updateId;
  };

  // Categories.
  const products: string[] = [];
  for (let c = 0; c < 3; c += 1) {
    const company = category(`Contoso ${c}`, 'Company');
    for (let f = 0; f < 2; f += 1) {
      const family = category(`Contoso ${c} Family ${f}`, 'ProductFamily', company);
      for (let p = 0; p < 4; p += 1) products.push(category(`Contoso ${c}.${f} Product ${p}`, 'Product', family));
    }
  }
  for (const cl of CLASSIFICATIONS) {
    items.push({ kind: 'category', updateId: cl.id, revisionNumber: 100, xml: categoryDocumentXml({ updateId: cl.id, title: cl.title, type: 'UpdateClassification' }), files: [] });
  }

  // Detectoid chains: d1 needs the product, d2 needs d1, d3 needs d2.
  const chainTip = new Map<string, string>();
  const productDetectoids: CatalogProduct[] = [];
  for (const product of products) {
    let previous: string | null = null;
    const detectoidIds: string[] = [];
    for (let level = 0; level < DETECTOID_DEPTH; level += 1) {
      const updateId = rng.uuid();
      const xml = updateDocumentXml({
        updateId,
        revisionNumber: 100,
        type: 'Detectoid',
        creationDate: date(items.length),
        localized: [{ language: 'en', title: `Detect ${product.slice(0, 8)} level ${level}`, description: 'detectoid' }],
        prerequisites: previous === null ? { categories: [[product]] } : { all: [previous] },
      });
      items.push({ kind: 'detectoid', updateId, revisionNumber: 100, xml, files: [] });
      detectoidIds.push(updateId);
      previous = updateId;
    }
    chainTip.set(product, previous!);
    productDetectoids.push({ productId: product, detectoidIds });
  }

  // Software: series of leaves (each superseding the last of its series), bundles, second revisions.
  const deployable: string[] = [];
  const downloadable = new Map<string, CatalogFile>();
  const seriesTip = new Map<string, string>();
  let giantLeft = options.giantBytes > 0;
  let serial = 0;
  const leaves = new Map<string, CatalogItem>();
  const revised = new Set<string>();
  const budget = options.revisions;
  const makeLeaf = (kind: 'leaf' | 'bundle-child' | 'giant', product: string, series: string | null): CatalogItem => {
    serial += 1;
    const updateId = rng.uuid();
    const classification = rng.pick(CLASSIFICATIONS).id;
    const withContent = kind === 'leaf' && serial % options.contentEvery === 0;
    const fileName = `contoso-kb${5000000 + serial}-x64.cab`;
    let file: CatalogFile;
    if (withContent) {
      const size = rng.pick(options.fileSizes);
      const seedName = `${options.seed}:${updateId}`;
      const bytes = deterministicBytes(seedName, size);
      file = { fileName, size, seedName, sha1Base64: createHash('sha1').update(bytes).digest('base64'), sha256Base64: createHash('sha256').update(bytes).digest('base64') };
    } else {
      // Declared only (content would come from upstream): digests of the name, never downloaded.
      const size = rng.int(100_000, 400_000_000);
      file = { fileName, size, seedName: null, sha1Base64: createHash('sha1').update(fileName).digest('base64'), sha256Base64: createHash('sha256').update(fileName).digest('base64') };
    }
    const large = kind === 'giant' ? options.giantBytes : kind === 'leaf' && serial % options.largeEvery === 0 ? rng.int(1_100_000, 3_000_000) : Math.round(2_000 * 10 ** (rng.next()));
    const languages = ['en', ...LANGUAGES.filter(() => rng.chance(0.4))];
    const perLanguage = Math.max(40, Math.floor((large - 2_000) / languages.length));
    const localized: LocalizedText[] = languages.map((language) => ({ language, title: `Contoso update KB${5000000 + serial} (${language})`, description: text(perLanguage) }));
    const supersedes = series && seriesTip.get(series) ? [seriesTip.get(series)!] : [];
    const xml = updateDocumentXml({
      updateId,
      revisionNumber: 100,
      type: 'Software',
      creationDate: date(items.length),
      localized,
      prerequisites: { all: [chainTip.get(product)!], categories: [[product], [classification]] },
      supersedes,
      files: [file],
      kbArticle: String(5000000 + serial),
      ruleCount: kind === 'giant' ? 400 : rng.int(0, 12),
    });
    if (series) seriesTip.set(series, updateId);
    if (withContent) downloadable.set(updateId, file);
    return { kind, updateId, revisionNumber: 100, xml, files: withContent ? [file] : [] };
  };

  while (items.length < budget) {
    const product = rng.pick(products);
    const roll = rng.next();
    if (giantLeft && items.length > budget / 2) {
      giantLeft = false;
      const giant = makeLeaf('giant', product, null);
      items.push(giant);
      deployable.push(giant.updateId);
    } else if (roll < 0.08 && budget - items.length >= 5) {
      const children = Array.from({ length: rng.int(2, 4) }, () => makeLeaf('bundle-child', product, null));
      items.push(...children);
      const updateId = rng.uuid();
      const xml = updateDocumentXml({
        updateId,
        revisionNumber: 100,
        type: 'Software',
        creationDate: date(items.length),
        localized: [{ language: 'en', title: `Contoso cumulative bundle ${serial}`, description: text(1_500) }],
        prerequisites: { all: [chainTip.get(product)!], categories: [[product], [rng.pick(CLASSIFICATIONS).id]] },
        bundled: children.map((c) => ({ updateId: c.updateId, revisionNumber: c.revisionNumber })),
      });
      items.push({ kind: 'bundle', updateId, revisionNumber: 100, xml, files: [] });
      deployable.push(updateId);
    } else if (roll < 0.1 && deployable.length > 0) {
      // A second revision of an existing leaf: same update id, next revision number, new title.
      const earlier = leaves.get(deployable[rng.int(0, deployable.length - 1)]!);
      if (!earlier || earlier.files.length > 0 || revised.has(earlier.updateId)) continue;
      revised.add(earlier.updateId);
      const xml = earlier.xml
        .replace(`RevisionNumber="${earlier.revisionNumber}"`, `RevisionNumber="${earlier.revisionNumber + 1}"`)
        .replace('<upd:Title>Contoso update', '<upd:Title>Contoso update (revised)');
      items.push({ kind: 'revision', updateId: earlier.updateId, revisionNumber: earlier.revisionNumber + 1, xml, files: [] });
    } else {
      const leaf = makeLeaf('leaf', product, `${product}:${rng.int(0, 40)}`);
      items.push(leaf);
      leaves.set(leaf.updateId, leaf);
      deployable.push(leaf.updateId);
    }
  }

  // Approvals: a fraction of deployable updates, each for one group (children inherit).
  const approvals: ApprovalSpec[] = [];
  for (const updateId of deployable) {
    if (!rng.chance(options.approvedFraction)) continue;
    approvals.push({ updateId, group: rng.pick(GROUPS).name, action: rng.chance(0.9) ? 'Install' : 'OptionalInstall' });
  }
  // Every downloadable update approved for the top groups, so every client sees some content.
  const approved = new Set(approvals.map((a) => a.updateId));
  for (const updateId of downloadable.keys()) {
    if (!approved.has(updateId)) approvals.push({ updateId, group: rng.chance(0.5) ? 'Workstations' : 'Servers', action: 'Install' });
  }
  const drivers = (options.drivers ?? 0) > 0 ? generateDrivers(options.seed, options.drivers!, products) : { items: [], approvals: [], systemSpecs: [] };
  items.push(...drivers.items);
  approvals.push(...drivers.approvals);
  return { items, groups: GROUPS, clientGroups: CLIENT_GROUPS, approvals, downloadable, systemSpecs: drivers.systemSpecs, products: productDetectoids };
}

export const DRIVERS_CLASSIFICATION = { id: 'ebfc1fc5-71a4-4f7b-9aca-3b9a503104a0', title: 'Drivers' };
/** Hardware the generated drivers and computer models share: network/storage/display devices and printers. */
const DEVICE_POOL = 24;
const PRINTER_POOL = 4;
const COMPUTER_MODELS = 6;
const pnpId = (k: number): string => `PCI\\VEN_8086&DEV_${(0x1000 + k).toString(16).toUpperCase()}&SUBSYS_0001${(0x8086 + k).toString(16).toUpperCase()}`;
const pnpShortId = (k: number): string => `PCI\\VEN_8086&DEV_${(0x1000 + k).toString(16).toUpperCase()}`;
const classId = (k: number): string => `PCI\\CC_0${k % 4}0000`;
const printerId = (k: number): string => `contosocontoso_laser_${k}`;

/**
 * Driver updates over a fixed pool of hardware ids (some for several ids, some with a FeatureScore
 * for amd64.10.0, some distributed to one computer model's CHID, some printer drivers from two
 * providers), about 60% approved, and computer models whose devices carry older installed drivers,
 * so the driver pass has real matching to do. Deterministic from the seed.
 */
function generateDrivers(seed: number, count: number, products: readonly string[]): { items: CatalogItem[]; approvals: ApprovalSpec[]; systemSpecs: SimulatedSystemSpec[] } {
  const rng = new Prng((seed ^ 0x5d1e7) >>> 0);
  const chids = Array.from({ length: COMPUTER_MODELS }, () => rng.uuid());
  const items: CatalogItem[] = [
    { kind: 'category', updateId: DRIVERS_CLASSIFICATION.id, revisionNumber: 100, xml: categoryDocumentXml({ updateId: DRIVERS_CLASSIFICATION.id, title: DRIVERS_CLASSIFICATION.title, type: 'UpdateClassification' }), files: [] },
  ];
  const approvals: ApprovalSpec[] = [];
  const date = (): string => `${rng.int(2023, 2026)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
  for (let n = 0; n < count; n += 1) {
    const updateId = rng.uuid();
    const printer = rng.chance(0.1);
    const rows: DriverRowSpec[] = [];
    if (printer) {
      const provider = rng.chance(0.5) ? 'Contoso' : 'Fabrikam';
      rows.push({ hardwareId: printerId(rng.int(0, PRINTER_POOL - 1)), driverVerDate: date(), driverVerVersion: `6.${rng.int(0, 9)}.${rng.int(0, 999)}.0`, class: 'Printers', provider, manufacturer: 'Contoso', model: 'Contoso Laser' });
    } else {
      const first = rng.int(0, DEVICE_POOL - 1);
      for (let r = 0, rowCount = rng.int(1, 3); r < rowCount; r += 1) {
        const k = (first + r) % DEVICE_POOL;
        rows.push({
          hardwareId: rng.chance(0.8) ? pnpShortId(k) : classId(k),
          driverVerDate: date(),
          driverVerVersion: `${rng.int(10, 31)}.${rng.int(0, 9)}.${rng.int(0, 9999)}.${rng.int(0, 99)}`,
          class: ['Net', 'SCSIAdapter', 'Display'][k % 3]!,
          provider: 'Contoso',
          manufacturer: 'Intel',
          whqlDriverId: rng.int(1, 999_999),
          ...(rng.chance(0.3) ? { featureScores: [{ operatingSystem: 'amd64.10.0', featureScore: rng.int(0, 254) }] } : {}),
          ...(rng.chance(0.15) ? { distributionComputerHardwareIds: [rng.pick(chids)] } : {}),
        });
      }
    }
    const xml = driverDocumentXml({
      updateId,
      revisionNumber: 100,
      creationDate: `${rows[0]!.driverVerDate}T00:00:00Z`,
      title: `Contoso ${printer ? 'printer' : 'device'} driver ${n}`,
      rows,
      categories: [[rng.pick(products)], [DRIVERS_CLASSIFICATION.id]],
    });
    items.push({ kind: 'driver', updateId, revisionNumber: 100, xml, files: [] });
    if (rng.chance(0.6)) approvals.push({ updateId, group: rng.chance(0.5) ? 'Workstations' : 'Servers', action: 'Install' });
  }
  const systemSpecs: SimulatedSystemSpec[] = chids.map((chid, model) => {
    const devices: SimulatedDevice[] = [];
    for (let d = 0; d < 8; d += 1) {
      const k = (model * 4 + d) % DEVICE_POOL;
      devices.push({
        hardwareIds: [pnpId(k), pnpShortId(k)],
        compatibleIds: [classId(k)],
        installedDriver: { matchingId: pnpShortId(k), driverVerDate: '2023-06-01', driverVerVersion: '10.0.0.0', class: '{4d36e972-e325-11ce-bfc1-08002be10318}', driverRank: 0x00ff0001 },
      });
    }
    const provider = model % 2 === 0 ? 'Contoso' : 'Fabrikam';
    devices.push({
      hardwareIds: [printerId(model % PRINTER_POOL)],
      installedDriver: { matchingId: printerId(model % PRINTER_POOL), driverVerDate: '2022-01-01', driverVerVersion: '6.0.0.0', class: 'Printer', provider, manufacturer: 'Contoso', driverRank: -1 },
      deviceFlags: 1,
    });
    return { devices, computerHardwareIds: [chid, ...chids.filter((c) => c !== chid).slice(0, 2)], featureScoreMatchingKey: 'AMD64.10.0' };
  });
  return { items, approvals, systemSpecs };
}

/** The bytes of a file that carries content (regenerated from its seed name). */
export function fileContent(file: CatalogFile): Buffer {
  if (file.seedName === null) throw new Error(`${file.fileName} has no content in this catalog`);
  return deterministicBytes(file.seedName, file.size);
}

/** Document-size spread of a catalog, for the report. */
export function documentSizeSpread(catalog: Catalog): { under2KB: number; from2To20KB: number; from20KBTo1MB: number; over1MB: number; over20MB: number; largestBytes: number } {
  const spread = { under2KB: 0, from2To20KB: 0, from20KBTo1MB: 0, over1MB: 0, over20MB: 0, largestBytes: 0 };
  for (const item of catalog.items) {
    const n = Buffer.byteLength(item.xml);
    spread.largestBytes = Math.max(spread.largestBytes, n);
    if (n > 20 * 1024 * 1024) spread.over20MB += 1;
    if (n > 1024 * 1024) spread.over1MB += 1;
    else if (n > 20 * 1024) spread.from20KBTo1MB += 1;
    else if (n >= 2 * 1024) spread.from2To20KB += 1;
    else spread.under2KB += 1;
  }
  return spread;
}
