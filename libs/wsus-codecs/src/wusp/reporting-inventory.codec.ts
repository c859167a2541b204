import { textElement, type XmlNode } from '../soap/index.js';
import type { Cookie } from './wusp-common.types.js';
import { boolText, intText, readRequiredCookie, responseElement, stripUndefined } from './wusp-common.codec.js';
import type { ElementReader } from './wusp-value.reader.js';
import { REPORTING_NS } from './wusp.namespaces.js';

/**
 * Inventory operations exist only in the WSDL (no processing rules); GetConfig's IsInventoryRequired MUST
 * be "0", so well-behaved clients never call them (wusp.md §11.2). Decoded for completeness.
 */
export interface GetRequiredInventoryTypeRequest {
  readonly cookie: Cookie;
  readonly rulesId: string;
  readonly rulesVersion?: string;
}

export function decodeGetRequiredInventoryType(r: ElementReader): GetRequiredInventoryTypeRequest {
  const cookie = readRequiredCookie(r);
  return stripUndefined<GetRequiredInventoryTypeRequest>({ cookie, rulesId: r.requiredGuid('rulesId'), rulesVersion: r.string('rulesVersion') });
}

export interface ReportingInventory {
  readonly isCompressed: boolean;
  readonly rawXml?: string;
  readonly compressedXml?: Uint8Array;
}

export interface ReportInventoryRequest {
  readonly cookie: Cookie;
  readonly clientTime: string;
  readonly inventory?: ReportingInventory;
}

export function decodeReportInventory(r: ElementReader): ReportInventoryRequest {
  const cookie = readRequiredCookie(r);
  const inv = r.nested('inventory');
  return stripUndefined<ReportInventoryRequest>({
    cookie,
    clientTime: r.requiredDateTime('clientTime'),
    inventory:
      inv === undefined
        ? undefined
        : stripUndefined<ReportingInventory>({ isCompressed: inv.requiredBoolean('IsCompressed'), rawXml: inv.string('RawXml'), compressedXml: inv.base64('CompressedXml') }),
  });
}

export function encodeGetRequiredInventoryTypeResponse(result: number): XmlNode {
  return responseElement(REPORTING_NS, 'GetRequiredInventoryType', [textElement('GetRequiredInventoryTypeResult', intText(result))]);
}

export function encodeReportInventoryResponse(result: boolean): XmlNode {
  return responseElement(REPORTING_NS, 'ReportInventory', [textElement('ReportInventoryResult', boolText(result))]);
}
