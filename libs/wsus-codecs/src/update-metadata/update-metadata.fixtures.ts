import { readFileSync } from 'node:fs';

import { fixturePath } from '../../../../test/support/shared-dir.js';
import { BASE_APPLICABILITY_NS, MSI_APPLICABILITY_NS, UPDATE_NS, WINDOWS_DRIVER_NS, XSI_NS } from './update-metadata.constants.js';
import { attributeText, escapeText } from './xml-fragment.writer.js';
import { XmlTokenizer } from './xml.tokenizer.js';

/** Test support: the shared fixtures and what was served for them. Not exported from index.ts. */

const DOCS = ['update-metadata', 'wsusss-GetUpdateData-decoded'];

export const DOCUMENTS = {
  defenderFullDeltasLeaf: '266f6222-c89d-43f2-9f8a-69340271e677-r200.DefenderFullDeltas-leaf-commandline-with-file.xml',
  categoryMicrosoft: '56309036-4c77-4dd9-951a-99ee9c246a94-r101.category-Company-Microsoft.xml',
  kb2267602Bundle: 'a2fef9b0-7951-4c2c-a42b-9e351dd1c1fe-r200.KB2267602-DefenderSecurityIntelligence-bundle.xml',
  mpSigStubBundle: 'ccb78947-6453-4ecc-9de8-bc0305c98f2d-r200.HIDDEN-MpSigStub-bundle-no-applicability.xml',
} as const;

export function readDocument(file: string): string {
  return readFileSync(fixturePath(...DOCS, file), 'utf8');
}

export function readFragmentFixture(folder: string, file: string): string {
  return readFileSync(fixturePath('update-metadata', folder, file), 'utf8');
}

export interface ServedXml {
  /** Server-local RevisionID (`UpdateInfo/ID` or `Update/ID`). */
  readonly id: number;
  /** The fragment text exactly as the client received it (entity-unescaped `<Xml>`). */
  readonly xml: string;
}

/**
 * Every `<ID>`/`<Xml>` pair of a captured SyncUpdates or GetExtendedUpdateInfo response, in order.
 */
export function servedFragments(captureFile: string): ServedXml[] {
  const body = readFileSync(fixturePath('wusp-native-scan', captureFile), 'utf8');
  const tokenizer = new XmlTokenizer(body);
  const out: ServedXml[] = [];
  const names: string[] = [];
  let id: number | undefined;
  for (let t = tokenizer.next(); t !== undefined; t = tokenizer.next()) {
    if (t.kind === 'start') names.push(t.name);
    else if (t.kind === 'end') names.pop();
    else if (names.at(-1) === 'ID' && (names.at(-2) === 'UpdateInfo' || names.at(-2) === 'Update')) id = Number(t.text);
    else if (names.at(-1) === 'Xml' && id !== undefined) out.push({ id, xml: t.text });
  }
  return out;
}

/**
 * Inverse of the split, for fixtures that hold served fragments but not the document: rebuilds a
 * plausible CSAPI document (prefixed elements, `bar:` for `b.`, `xsi:type`, Properties attributes
 * merged from Core and Extended) so deriving it must give back the served bytes. It checks the
 * rendering rules on real fragment shapes; it is not evidence of what WSUS does with a document.
 */
export function documentFromFragments(core: string, extended: string): string {
  const parts = new Map<string, string>();
  let coreProperties = '';
  let extendedAttributes = '';
  let extendedChildren = '';
  const tokenizer = new XmlTokenizer(`<w>${core}${extended}</w>`);
  const stack: { name: string; foreign: boolean }[] = [];
  let top = '';
  let current = '';
  for (let t = tokenizer.next(); t !== undefined; t = tokenizer.next()) {
    const depth = stack.length;
    if (t.kind === 'start') {
      const foreign = (stack.at(-1)?.foreign ?? false) || t.attributes.some((a) => a.name === 'xmlns');
      stack.push({ name: t.name, foreign });
      if (depth === 0) continue;
      if (depth === 1) {
        top = t.name;
        current = '';
        if (t.name === 'Properties') {
          coreProperties = t.attributes.map((a) => attributeText(a.name, a.value)).join('');
          continue;
        }
        if (t.name === 'ExtendedProperties') {
          extendedAttributes = t.attributes.map((a) => attributeText(a.name, a.value)).join('');
          continue;
        }
      }
      const name = documentName(t.name, foreign);
      const attributes = t.attributes
        .map((a) =>
          attributeText(depth === 1 && t.name === 'HandlerSpecificData' && a.name === 'type' ? 'xsi:type' : a.name, a.value),
        )
        .join('');
      const tag = `<${name}${attributes}${t.selfClosing ? ' />' : '>'}`;
      if (top === 'ExtendedProperties') extendedChildren += tag;
      else current += tag;
    } else if (t.kind === 'end') {
      const open = stack.pop();
      if (open === undefined || depth === 1) continue;
      if (depth === 2 && (top === 'Properties' || top === 'ExtendedProperties')) continue;
      const tag = t.implicit ? '' : `</${documentName(open.name, open.foreign)}>`;
      if (top === 'ExtendedProperties') extendedChildren += tag;
      else current += tag;
      if (depth === 2) parts.set(top, current);
    } else if (top === 'ExtendedProperties') {
      extendedChildren += escapeText(t.text);
    } else {
      current += escapeText(t.text);
    }
  }
  const properties =
    extendedChildren === ''
      ? `<upd:Properties${coreProperties}${extendedAttributes}></upd:Properties>`
      : `<upd:Properties${coreProperties}${extendedAttributes}>${extendedChildren}</upd:Properties>`;
  const order = ['UpdateIdentity', 'Relationships', 'ApplicabilityRules', 'Files', 'HandlerSpecificData'];
  const body = order.map((name) => parts.get(name) ?? '');
  return (
    `<upd:Update xmlns:upd="${UPDATE_NS}" xmlns:bar="${BASE_APPLICABILITY_NS}" xmlns:msiar="${MSI_APPLICABILITY_NS}"` +
    ` xmlns:drv="${WINDOWS_DRIVER_NS}" xmlns:xsi="${XSI_NS}">` +
    `${body[0] ?? ''}${properties}${body.slice(1).join('')}</upd:Update>`
  );
}

function documentName(name: string, foreign: boolean): string {
  if (foreign) return name;
  if (name.startsWith('b.')) return `bar:${name.slice(2)}`;
  if (name.startsWith('m.')) return `msiar:${name.slice(2)}`;
  if (name.startsWith('d.')) return `drv:${name.slice(2)}`;
  return `upd:${name}`;
}
