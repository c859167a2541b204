import { XML_NS, XMLNS_NS } from './update-metadata.constants.js';
import { UpdateMetadataError } from './update-metadata.errors.js';
import type { XmlAttribute } from './xml.tokenizer.js';

/**
 * In-scope namespace bindings while walking a document. A new map is made only for elements that
 * declare namespaces; the others share their parent's map, so a deep applicability tree costs one
 * array slot per level, not a copy.
 */
export class NamespaceScope {
  private readonly stack: ReadonlyMap<string, string>[] = [
    new Map([
      ['xml', XML_NS],
      ['xmlns', XMLNS_NS],
    ]),
  ];

  /** Enter an element; returns the bindings in force for it and its attributes. */
  enter(attributes: readonly XmlAttribute[], offset: number): ReadonlyMap<string, string> {
    const parent = this.current;
    let scope: Map<string, string> | undefined;
    for (const { name, value } of attributes) {
      if (name === 'xmlns') {
        scope ??= new Map(parent);
        scope.set('', value);
      } else if (name.startsWith('xmlns:')) {
        if (value === '') {
          throw new UpdateMetadataError(
            'UPDATE_METADATA.MALFORMED_XML',
            `namespace prefix ${name.slice(6)} bound to an empty name`,
            undefined,
            offset,
          );
        }
        scope ??= new Map(parent);
        scope.set(name.slice(6), value);
      }
    }
    const next = scope ?? parent;
    this.stack.push(next);
    return next;
  }

  leave(): void {
    this.stack.pop();
  }

  get current(): ReadonlyMap<string, string> {
    // The stack is never empty: the root bindings are pushed in the initialiser.
    return this.stack[this.stack.length - 1] as ReadonlyMap<string, string>;
  }
}

export interface QualifiedName {
  readonly prefix: string;
  readonly local: string;
}

export function splitName(name: string): QualifiedName {
  const colon = name.indexOf(':');
  return colon < 0 ? { prefix: '', local: name } : { prefix: name.slice(0, colon), local: name.slice(colon + 1) };
}

/** Namespace of an element name; unprefixed elements take the default namespace (may be ''). */
export function elementNamespace(
  name: QualifiedName,
  bindings: ReadonlyMap<string, string>,
  offset: number,
): string {
  const uri = bindings.get(name.prefix);
  if (uri === undefined) {
    if (name.prefix === '') return '';
    throw new UpdateMetadataError(
      'UPDATE_METADATA.MALFORMED_XML',
      `undeclared namespace prefix "${name.prefix}"`,
      undefined,
      offset,
    );
  }
  return uri;
}

/** Prefixed attributes must use a declared prefix (Namespaces in XML §5). */
export function checkAttributePrefixes(
  attributes: readonly XmlAttribute[],
  bindings: ReadonlyMap<string, string>,
  offset: number,
): void {
  for (const { name } of attributes) {
    const colon = name.indexOf(':');
    if (colon < 0) continue;
    const prefix = name.slice(0, colon);
    if (prefix !== 'xmlns' && !bindings.has(prefix)) {
      throw new UpdateMetadataError(
        'UPDATE_METADATA.MALFORMED_XML',
        `undeclared namespace prefix "${prefix}" on attribute ${name}`,
        undefined,
        offset,
      );
    }
  }
}
