import {
  BASE_APPLICABILITY_NS,
  CORE_PROPERTIES_ATTRIBUTES,
  EXTENDED_PROPERTIES_ELEMENT,
  EXTENDED_REMOVED_PROPERTIES_ATTRIBUTES,
  MSI_APPLICABILITY_NS,
  MSUS_NAMESPACE_PREFIX,
  UPDATE_NS,
  WINDOWS_DRIVER_NS,
} from './update-metadata.constants.js';
import { UpdateMetadataError } from './update-metadata.errors.js';
import type { EulaFragment, MetadataFragments, ReadOptions, UpdateDocument } from './update-document.types.js';
import { UpdateSummaryCollector, attributesByLocalName } from './update-summary.collector.js';
import { attributeText, escapeText, FragmentBuffer } from './xml-fragment.writer.js';
import {
  NamespaceScope,
  checkAttributePrefixes,
  elementNamespace,
  splitName,
  type QualifiedName,
} from './xml-namespace.scope.js';
import { XmlTokenizer, isWhitespaceOnly, type XmlAttribute } from './xml.tokenizer.js';

/**
 * One pass over an update revision document that yields both the index summary and the MS-WUSP
 * metadata fragments (MS-WUSP §3.1.1.1 "Metadata Table"). Nothing is materialised as a tree:
 * each token is written straight into the fragment it belongs to, so memory is bounded by the
 * fragments themselves and time is linear in the document.
 *
 * Fragment rendering (what a real WSUS serves; see observed-interop.md §A.3/§A.4 and the fixtures):
 * - Core = UpdateIdentity + Properties (only the kept attributes, in the spec's order, never any
 *   children, always `<Properties … />`) + Relationships + ApplicabilityRules; elements in the
 *   BaseApplicabilityRules / MsiApplicabilityRules / WindowsDriver namespaces become `b.` / `m.` /
 *   `d.`+local name, every other element loses its prefix.
 * - Extended = Properties renamed `ExtendedProperties` (removed attributes dropped, the rest in
 *   document order, children kept, self-closed when empty) + Files + HandlerSpecificData, in that
 *   order; prefixes stripped, `xsi:type` becomes `type` with its value untouched.
 * - LocalizedProperties / EulaFile: the element with prefixes stripped.
 * - Everywhere: `xmlns:p` declarations and msus default-namespace declarations are removed; a
 *   foreign default namespace (CBS `urn:schemas-microsoft-com:asm.v3`) is kept as WSUS does;
 *   white-space-only text between elements is dropped; `<a></a>` stays `<a></a>`.
 */

type NameMode = 'core' | 'plain';

interface Capture {
  readonly buffer: FragmentBuffer;
  readonly mode: NameMode;
  /** Depth (root = 0) of the element whose subtree is captured. */
  readonly depth: number;
  /** Output name of the captured root, for its end tag. */
  readonly rootName: string;
  /** ExtendedProperties only: start tag written on first content, else self-closed at the end. */
  pendingOpen: string | undefined;
  readonly onEnd?: (xml: string) => void;
}

const SINGLETONS: ReadonlySet<string> = new Set([
  'UpdateIdentity',
  'Properties',
  'LocalizedPropertiesCollection',
  'Relationships',
  'ApplicabilityRules',
  'Files',
  'HandlerSpecificData',
]);

export function readUpdateDocument(xml: string, options: ReadOptions = {}): UpdateDocument {
  return new UpdateDocumentReader(xml, options).read();
}

class UpdateDocumentReader {
  private readonly tokenizer: XmlTokenizer;
  private readonly scope = new NamespaceScope();
  /** Local names from the root to the current element. */
  private readonly path: string[] = [];
  /** Output name of every open element ('' when it is in no fragment), for its end tag. */
  private readonly outNames: string[] = [];
  private readonly collector = new UpdateSummaryCollector();
  private readonly seenTopLevel = new Set<string>();
  private capture: Capture | undefined;

  private readonly coreIdentity = new FragmentBuffer();
  private coreProperties = '';
  private readonly coreRelationships = new FragmentBuffer();
  private readonly coreApplicability = new FragmentBuffer();
  private readonly extendedProperties = new FragmentBuffer();
  private readonly extendedFiles = new FragmentBuffer();
  private readonly extendedHandlerData = new FragmentBuffer();
  private readonly localized = new Map<string, string>();
  private readonly localizedKeys = new Set<string>();
  private readonly eula: EulaFragment[] = [];

  constructor(xml: string, options: ReadOptions) {
    this.tokenizer = new XmlTokenizer(xml, options);
  }

  read(): UpdateDocument {
    for (let token = this.tokenizer.next(); token !== undefined; token = this.tokenizer.next()) {
      if (token.kind === 'start') this.onStart(token.name, token.attributes, token.selfClosing, token.offset);
      else if (token.kind === 'end') this.onEnd(token.implicit);
      else this.onText(token.text);
    }
    const summary = this.collector.finish();
    const fragments: MetadataFragments = {
      core:
        this.coreIdentity.toString() +
        this.coreProperties +
        this.coreRelationships.toString() +
        this.coreApplicability.toString(),
      extended:
        this.extendedProperties.toString() + this.extendedFiles.toString() + this.extendedHandlerData.toString(),
      localized: this.localized,
      eula: this.eula,
    };
    return { summary, fragments };
  }

  private onStart(name: string, attributes: readonly XmlAttribute[], selfClosing: boolean, offset: number): void {
    const bindings = this.scope.enter(attributes, offset);
    checkAttributePrefixes(attributes, bindings, offset);
    const qname = splitName(name);
    const uri = elementNamespace(qname, bindings, offset);
    const depth = this.path.length;
    if (depth === 0 && (qname.local !== 'Update' || uri !== UPDATE_NS)) {
      throw new UpdateMetadataError(
        'UPDATE_METADATA.NOT_AN_UPDATE',
        `root element is {${uri}}${qname.local}, expected {${UPDATE_NS}}Update`,
        '/',
        offset,
      );
    }
    this.path.push(qname.local);

    let outName = '';
    const capture = this.capture;
    if (capture !== undefined) {
      this.flushPendingOpen(capture);
      outName = outputName(qname, uri, capture.mode);
      capture.buffer.write(startTag(outName, attributes, selfClosing));
    } else if (depth === 1) {
      outName = this.startTopLevel(qname, uri, attributes, selfClosing, offset);
    } else if (depth === 2 && this.path[1] === 'LocalizedPropertiesCollection') {
      outName = this.startLocalization(qname, attributes, selfClosing);
    }
    this.outNames.push(outName);
    this.collector.start(this.path, attributes);
  }

  private onEnd(implicit: boolean): void {
    // The collector runs first so a finished LocalizedProperties fragment can read its Language.
    this.collector.end(this.path);
    const depth = this.path.length - 1;
    const capture = this.capture;
    if (capture !== undefined) {
      if (depth === capture.depth) this.finishCapture(capture, implicit);
      else if (!implicit) capture.buffer.write(`</${this.outNames.at(-1) ?? ''}>`);
    }
    this.outNames.pop();
    this.path.pop();
    this.scope.leave();
  }

  private onText(text: string): void {
    // White-space-only text between elements is not in any served fragment (they are compact, and
    // the XDocument/SQL Server xml loaders WSUS sits on drop it by default); other text is kept.
    if (isWhitespaceOnly(text)) return;
    const capture = this.capture;
    if (capture !== undefined) {
      this.flushPendingOpen(capture);
      capture.buffer.write(escapeText(text));
    }
    this.collector.text(this.path.length - 1, text);
  }

  /** Returns the output name of the element if it starts a fragment, else ''. */
  private startTopLevel(
    qname: QualifiedName,
    uri: string,
    attributes: readonly XmlAttribute[],
    selfClosing: boolean,
    offset: number,
  ): string {
    const local = qname.local;
    if (SINGLETONS.has(local)) {
      if (this.seenTopLevel.has(local)) {
        throw new UpdateMetadataError('UPDATE_METADATA.DUPLICATE', 'element appears twice', `/Update/${local}`, offset);
      }
      this.seenTopLevel.add(local);
    }
    switch (local) {
      case 'UpdateIdentity':
        return this.beginCapture(this.coreIdentity, 'core', qname, uri, attributes, selfClosing);
      case 'Properties':
        return this.startProperties(attributes);
      case 'Relationships':
        return this.beginCapture(this.coreRelationships, 'core', qname, uri, attributes, selfClosing);
      case 'ApplicabilityRules':
        return this.beginCapture(this.coreApplicability, 'core', qname, uri, attributes, selfClosing);
      case 'Files':
        return this.beginCapture(this.extendedFiles, 'plain', qname, uri, attributes, selfClosing);
      case 'HandlerSpecificData':
        return this.beginCapture(this.extendedHandlerData, 'plain', qname, uri, attributes, selfClosing);
      default:
        // LocalizedPropertiesCollection is split per child; anything else is in no fragment.
        return '';
    }
  }

  private startProperties(attributes: readonly XmlAttribute[]): string {
    const byLocal = attributesByLocalName(attributes);
    let core = '<Properties';
    for (const name of CORE_PROPERTIES_ATTRIBUTES) {
      const value = byLocal[name];
      if (value !== undefined) core += attributeText(name, value);
    }
    // Children (InstallationBehavior, SupportUrl, KBArticleID…) are Extended-only: WSUS serves
    // `<Properties UpdateType="Software" />` for ff36f0b5 r200, whose Properties has an
    // InstallationBehavior child (wusp-fragments-served-to-native-wua).
    this.coreProperties = `${core} />`;

    let open = `<${EXTENDED_PROPERTIES_ELEMENT}`;
    for (const { name, value } of attributes) {
      if (EXTENDED_REMOVED_PROPERTIES_ATTRIBUTES.has(name.slice(name.indexOf(':') + 1))) continue;
      open += outputAttribute(name, value);
    }
    this.capture = {
      buffer: this.extendedProperties,
      mode: 'plain',
      depth: 1,
      rootName: EXTENDED_PROPERTIES_ELEMENT,
      pendingOpen: open,
    };
    return EXTENDED_PROPERTIES_ELEMENT;
  }

  private startLocalization(qname: QualifiedName, attributes: readonly XmlAttribute[], selfClosing: boolean): string {
    if (qname.local === 'LocalizedProperties') {
      return this.beginCapture(new FragmentBuffer(), 'plain', qname, '', attributes, selfClosing, (xml) =>
        this.addLocalized(xml),
      );
    }
    if (qname.local === 'EulaFile') {
      // MS-WUSP §3.1.1.1 "Eula": locale = the Language attribute, optional GeoId (<43>).
      const a = attributesByLocalName(attributes);
      const locale = a['Language'] ?? '';
      const geoId = a['GeoId'] === '' ? undefined : a['GeoId'];
      return this.beginCapture(new FragmentBuffer(), 'plain', qname, '', attributes, selfClosing, (xml) =>
        this.eula.push({ locale, geoId, xml }),
      );
    }
    return '';
  }

  private beginCapture(
    buffer: FragmentBuffer,
    mode: NameMode,
    qname: QualifiedName,
    uri: string,
    attributes: readonly XmlAttribute[],
    selfClosing: boolean,
    onEnd?: (xml: string) => void,
  ): string {
    const rootName = outputName(qname, uri, mode);
    buffer.write(startTag(rootName, attributes, selfClosing));
    this.capture = {
      buffer,
      mode,
      depth: this.path.length - 1,
      rootName,
      pendingOpen: undefined,
      ...(onEnd === undefined ? {} : { onEnd }),
    };
    return rootName;
  }

  private finishCapture(capture: Capture, implicit: boolean): void {
    if (capture.pendingOpen !== undefined) {
      // WSUS self-closes an ExtendedProperties without children even when the document wrote
      // `<upd:Properties …></upd:Properties>` (category 56309036 r101, fixture 10-GetExtendedUpdateInfo).
      capture.buffer.write(`${capture.pendingOpen} />`);
    } else if (!implicit) {
      capture.buffer.write(`</${capture.rootName}>`);
    }
    this.capture = undefined;
    capture.onEnd?.(capture.buffer.toString());
  }

  private addLocalized(xml: string): void {
    const language = this.collector.lastLocalizedLanguage();
    // A repeated language keeps its first fragment: the Metadata table key is (RevisionID, type, locale).
    if (language === undefined || this.localizedKeys.has(language.toLowerCase())) return;
    this.localizedKeys.add(language.toLowerCase());
    this.localized.set(language, xml);
  }

  private flushPendingOpen(capture: Capture): void {
    if (capture.pendingOpen !== undefined) {
      capture.buffer.write(`${capture.pendingOpen}>`);
      capture.pendingOpen = undefined;
    }
  }
}

function outputName(qname: QualifiedName, uri: string, mode: NameMode): string {
  if (mode === 'core') {
    // MS-WUSP §3.1.1.1 Core: prefix by namespace, not by the prefix the document happened to use.
    if (uri === BASE_APPLICABILITY_NS) return `b.${qname.local}`;
    if (uri === MSI_APPLICABILITY_NS) return `m.${qname.local}`;
    if (uri === WINDOWS_DRIVER_NS) return `d.${qname.local}`;
  }
  return qname.local;
}

function outputAttribute(name: string, value: string): string {
  if (name === 'xmlns') {
    return value === '' || value.startsWith(MSUS_NAMESPACE_PREFIX) ? '' : attributeText(name, value);
  }
  if (name.startsWith('xmlns:')) return '';
  const colon = name.indexOf(':');
  return attributeText(colon < 0 ? name : name.slice(colon + 1), value);
}

function startTag(name: string, attributes: readonly XmlAttribute[], selfClosing: boolean): string {
  let out = `<${name}`;
  for (const { name: attrName, value } of attributes) out += outputAttribute(attrName, value);
  return out + (selfClosing ? ' />' : '>');
}
