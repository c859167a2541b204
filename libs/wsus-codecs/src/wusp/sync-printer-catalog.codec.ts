import type { XmlNode } from '../soap/index.js';
import type { Cookie } from './wusp-common.types.js';
import { readRequiredCookie, responseElement, stripUndefined } from './wusp-common.codec.js';
import { type SyncInfo, syncInfoNode } from './sync-updates.codec.js';
import type { ElementReader } from './wusp-value.reader.js';
import { CLIENT_NS } from './wusp.namespaces.js';

/** SyncPrinterCatalog (§2.2.2.2.9): used by the Add Printer Wizard only. */
export interface SyncPrinterCatalogRequest {
  readonly cookie: Cookie;
  readonly installedNonLeafUpdateIds?: readonly number[];
  readonly printerUpdateIds?: readonly number[];
}

/**
 * The schema spells the lists `installedNonLeafUpdateIDs`/`printerUpdateIDs`, the prose
 * `InstalledNonLeafUpdateIDs` (wusp.md §16.2); both casings are read.
 */
export function decodeSyncPrinterCatalog(r: ElementReader): SyncPrinterCatalogRequest {
  const cookie = readRequiredCookie(r);
  const installedName = r.childOf('installedNonLeafUpdateIDs', 'InstalledNonLeafUpdateIDs')?.name ?? 'installedNonLeafUpdateIDs';
  const printerName = r.childOf('printerUpdateIDs', 'PrinterUpdateIDs')?.name ?? 'printerUpdateIDs';
  return stripUndefined<SyncPrinterCatalogRequest>({
    cookie,
    installedNonLeafUpdateIds: r.intArray(installedName, r.options.maxInstalledNonLeafUpdateIds),
    printerUpdateIds: r.intArray(printerName),
  });
}

export type SyncPrinterCatalogResponse = SyncInfo;

export function encodeSyncPrinterCatalogResponse(result: SyncPrinterCatalogResponse): XmlNode {
  return responseElement(CLIENT_NS, 'SyncPrinterCatalog', [syncInfoNode('SyncPrinterCatalogResult', result)]);
}
