import { randomBytes, randomUUID } from 'node:crypto';
import { categoryDocumentXml } from '../catalog/category-document.js';
import type { AdminApi } from './scenario-client.js';
import { detectoidDocumentXml, type ImportableDocument, softwareDocument } from './scenario-documents.js';

/** Classification ids as Microsoft Update publishes them (fixed GUIDs). */
export const UPDATES_CLASSIFICATION = 'cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83';
export const SECURITY_UPDATES_CLASSIFICATION = '0fa1201d-4330-4fa8-8ae9-b877473b6441';

/** Update ids of the scenario catalog, fixed per test run so two servers can hold the same updates. */
export interface ScenarioIds {
  readonly company: string;
  readonly family: string;
  readonly product: string;
  readonly detectoid: string;
  /** Prerequisite chain: chainA ← chainB ← chainC (chainA also needs the detectoid). */
  readonly chainA: string;
  readonly chainB: string;
  readonly chainC: string;
  readonly oldAgent: string;
  /** Supersedes oldAgent. */
  readonly newAgent: string;
  readonly bundle: string;
  readonly bundleChildren: readonly [string, string];
  /** Approved, then declined: never sent. */
  readonly declined: string;
  /** In the catalog, unapproved: not sent until the differential scenario approves it. */
  readonly later: string;
}

export function newScenarioIds(): ScenarioIds {
  const id = (): string => randomUUID();
  return {
    company: id(),
    family: id(),
    product: id(),
    detectoid: id(),
    chainA: id(),
    chainB: id(),
    chainC: id(),
    oldAgent: id(),
    newAgent: id(),
    bundle: id(),
    bundleChildren: [id(), id()],
    declined: id(),
    later: id(),
  };
}

export interface BuiltCatalog {
  readonly ids: ScenarioIds;
  readonly groupId: string;
  /** updateId → RevisionID on this server. */
  readonly revisionIds: Map<string, number>;
  /** updateId → every update it names as a prerequisite (categories included): what must arrive first. */
  readonly dependsOn: Map<string, readonly string[]>;
  /** The documents imported, by updateId (files with their digests). */
  readonly documents: Map<string, ImportableDocument>;
  /** Detectoids added only to exceed one SyncUpdates page. */
  readonly fillerDetectoids: readonly string[];
  readonly chainCDeadline: string;
}

export interface CatalogOptions {
  /** Extra leaf detectoids so that the first staging round exceeds a page (30 by default). */
  readonly fillerDetectoids?: number;
  /** Leave out these updates (a second server that does not have them). */
  readonly omit?: ReadonlySet<keyof ScenarioIds>;
  /**
   * Unapproved software updates imported first, so that this server's RevisionIDs for the scenario
   * differ from another server's (RevisionIDs are per server, MS-WUSP §3.1.5.8).
   */
  readonly paddingUpdates?: number;
  /** The computer that is assigned to the scenario's group (server-side targeting). */
  readonly computerId: string;
}

/**
 * The catalog MS-WSUSOD's client examples need, built only through the admin API: categories
 * (company → product family → product, two classifications), a detectoid, a three-level
 * prerequisite chain, an update superseding another, a bundle with two leaf children, a declined
 * update, and real file bytes; a group with the computer in it and approvals for the group.
 */
export async function buildScenarioCatalog(api: AdminApi, ids: ScenarioIds, options: CatalogOptions): Promise<BuiltCatalog> {
  const omit = options.omit ?? new Set<keyof ScenarioIds>();
  const revisionIds = new Map<string, number>();
  const dependsOn = new Map<string, readonly string[]>();
  const documents = new Map<string, ImportableDocument>();
  const put = async (updateId: string, xml: string, deps: readonly string[], files: ImportableDocument['files'] = []): Promise<void> => {
    revisionIds.set(updateId, await api.importDocument(xml, files));
    dependsOn.set(updateId, deps);
  };

  for (let i = 0; i < (options.paddingUpdates ?? 0); i += 1) {
    const id = randomUUID();
    await api.importDocument(softwareDocument({ updateId: id, localizations: [{ language: 'en', title: `Padding ${i}` }], categoryIds: [] }).xml);
  }
  await put(ids.company, categoryDocumentXml({ updateId: ids.company, title: 'Contoso', type: 'Company' }), []);
  await put(ids.family, categoryDocumentXml({ updateId: ids.family, title: 'Contoso Suite', type: 'ProductFamily', parentId: ids.company }), [ids.company]);
  await put(ids.product, categoryDocumentXml({ updateId: ids.product, title: 'Contoso Tools', type: 'Product', parentId: ids.family }), [ids.family]);
  await put(UPDATES_CLASSIFICATION, categoryDocumentXml({ updateId: UPDATES_CLASSIFICATION, title: 'Updates', type: 'UpdateClassification' }), []);
  await put(
    SECURITY_UPDATES_CLASSIFICATION,
    categoryDocumentXml({ updateId: SECURITY_UPDATES_CLASSIFICATION, title: 'Security Updates', type: 'UpdateClassification' }),
    [],
  );
  await put(ids.detectoid, detectoidDocumentXml({ updateId: ids.detectoid, title: 'Contoso Tools is installed' }), []);
  const fillerDetectoids: string[] = [];
  for (let i = 0; i < (options.fillerDetectoids ?? 0); i += 1) {
    const id = randomUUID();
    fillerDetectoids.push(id);
    await put(id, detectoidDocumentXml({ updateId: id, title: `Filler detectoid ${i}` }), []);
  }

  const categories = [ids.product, UPDATES_CLASSIFICATION];
  const software = async (key: keyof ScenarioIds, doc: Parameters<typeof softwareDocument>[0]): Promise<void> => {
    if (omit.has(key)) return;
    const built = softwareDocument(doc);
    documents.set(doc.updateId, built);
    const deps = [...doc.categoryIds, ...(doc.prerequisites ?? []).flat()];
    await put(doc.updateId, built.xml, deps, built.files);
  };
  const file = (name: string, size: number) => ({ fileName: name, bytes: randomBytes(size) });

  await software('chainA', { updateId: ids.chainA, localizations: [{ language: 'en', title: 'Contoso Runtime' }], categoryIds: categories, prerequisites: [[ids.detectoid]] });
  await software('chainB', { updateId: ids.chainB, localizations: [{ language: 'en', title: 'Contoso Framework' }], categoryIds: categories, prerequisites: [[ids.chainA]] });
  await software('chainC', {
    updateId: ids.chainC,
    localizations: [
      { language: 'en', title: 'Contoso Tools 3.0' },
      { language: 'de', title: 'Contoso-Werkzeuge 3.0' },
      { language: 'fr', title: 'Outils Contoso 3.0' },
    ],
    categoryIds: categories,
    prerequisites: [[ids.chainB]],
    files: [file('tools-3.0.exe', 2 * 1024 * 1024 + 777)],
  });
  await software('oldAgent', { updateId: ids.oldAgent, localizations: [{ language: 'en', title: 'Contoso Agent 2.0' }], categoryIds: categories, files: [file('agent-2.0.exe', 4096)] });
  await software('newAgent', {
    updateId: ids.newAgent,
    localizations: [{ language: 'en', title: 'Contoso Agent 2.1' }],
    categoryIds: categories,
    supersededUpdateIds: [ids.oldAgent],
    files: [file('agent-2.1.exe', 5000)],
  });
  const security = [ids.product, SECURITY_UPDATES_CLASSIFICATION];
  for (const [i, child] of ids.bundleChildren.entries()) {
    await software('bundleChildren', { updateId: child, localizations: [{ language: 'en', title: `Contoso Patch part ${i + 1}` }], categoryIds: security, files: [file(`patch-${i + 1}.exe`, 3000 + i)] });
  }
  await software('bundle', {
    updateId: ids.bundle,
    localizations: [{ language: 'en', title: 'Contoso Security Patch' }],
    categoryIds: security,
    bundledUpdates: ids.bundleChildren.map((updateId) => ({ updateId, revisionNumber: 200 })),
  });
  await software('declined', { updateId: ids.declined, localizations: [{ language: 'en', title: 'Contoso Beta' }], categoryIds: categories, files: [file('beta.exe', 1000)] });
  await software('later', { updateId: ids.later, localizations: [{ language: 'en', title: 'Contoso Extras' }], categoryIds: categories, files: [file('extras.exe', 1500)] });

  const group = await api.ok<{ id: string }>('POST', '/api/v1/groups', { name: `Scenario ${randomUUID().slice(0, 8)}` });
  await api.ok('PUT', `/api/v1/computers/${options.computerId}/groups`, { groupIds: [group.id] });
  const chainCDeadline = '2027-03-01T12:00:00.000Z';
  const approvals: [keyof ScenarioIds, string, string?][] = [
    ['chainC', ids.chainC, chainCDeadline],
    ['oldAgent', ids.oldAgent],
    ['newAgent', ids.newAgent],
    ['bundle', ids.bundle],
    ['declined', ids.declined],
  ];
  for (const [key, updateId, deadline] of approvals) if (!omit.has(key)) await api.approve(updateId, group.id, 'Install', deadline);
  if (!omit.has('declined')) await api.decline(ids.declined);
  return { ids, groupId: group.id, revisionIds, dependsOn, documents, fillerDetectoids, chainCDeadline };
}
