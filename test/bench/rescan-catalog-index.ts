/**
 * The rescan scenario's catalog (same generator options and seed as main.ts's `rescan-<N>`) applied
 * to an in-process scan index, as the log would give it: each document read by the importer's parser
 * into UpdateRevisionImported data, the groups, then the approvals. For the in-process tools
 * (scope-rebuild.ts, rescan-query.ts), which measure the index without a server or a database.
 */
import { readUpdateDocument } from '#wsus-codecs/update-metadata';
import { revisionImportedData } from '../../libs/metadata-store/src/import-update/import-update.decider.js';
import { guid, ScanCatalogBuilder } from '../../libs/soap-gateway/src/scan-index/testing/scan-catalog.builder.js';
import { type Catalog, generateCatalog } from '../support/catalog/catalog-generator.js';

export interface RescanCatalogIndex {
  readonly catalog: Catalog;
  readonly index: ScanCatalogBuilder;
  /** Group name → its group id in the index. */
  readonly groupIds: ReadonlyMap<string, string>;
  /** Documents the importer's parser refused (none expected). */
  readonly refused: number;
  readonly seconds: number;
}

const MiB = 1024 * 1024;

export function rescanCatalogIndex(revisions: number): RescanCatalogIndex {
  const catalog = generateCatalog({
    seed: 20261126,
    revisions,
    contentEvery: 60,
    fileSizes: [64 * 1024, 256 * 1024, 1 * MiB, 3 * MiB],
    largeEvery: 700,
    giantBytes: 0,
    approvedFraction: 0.3,
    drivers: Math.round(revisions / 50),
  });
  const index = new ScanCatalogBuilder();
  const groupIds = new Map<string, string>();
  catalog.groups.forEach((group, i) => {
    const groupId = guid(0x9000 + i);
    groupIds.set(group.name, groupId);
    index.group(groupId, group.name, group.parent === null ? null : groupIds.get(group.parent)!);
  });
  const startedAt = performance.now();
  let revisionId = 0;
  let refused = 0;
  for (const item of catalog.items) {
    const built = revisionImportedData(readUpdateDocument(item.xml), ++revisionId, '0'.repeat(64), 'imported');
    if ('problem' in built) refused += 1;
    else index.apply({ type: 'UpdateRevisionImported', data: built.data });
  }
  for (const approval of catalog.approvals) index.approve(approval.updateId, groupIds.get(approval.group)!, approval.action);
  return { catalog, index, groupIds, refused, seconds: (performance.now() - startedAt) / 1000 };
}
