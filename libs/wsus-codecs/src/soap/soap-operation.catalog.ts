/**
 * How a service frames its responses. The two WSUS web-service stacks differ on the wire
 * (observed-interop.md A.1, fixtures 01-10):
 * - `compact` (ClientWebService/client.asmx): no XML declaration, `s:` prefix, xsi/xsd declared on `s:Body`;
 * - `asmx` (SimpleAuth, Reporting): `<?xml version="1.0" encoding="utf-8"?>`, `soap:` prefix, xsi/xsd on the Envelope.
 */
export type EnvelopeStyle = 'compact' | 'asmx';

/** One document/literal operation: its request element is `{namespace}name`. */
export interface SoapOperation {
  readonly service: string;
  readonly name: string;
  readonly namespace: string;
  /** The SOAPAction of the WSDL binding. */
  readonly action: string;
  /** Other SOAPActions accepted for the same body element (spec errata, see the WUSP catalog). */
  readonly alternateActions?: readonly string[];
  readonly responseStyle: EnvelopeStyle;
  /**
   * Local names of the request's xs:int arrays that its decoder reads only with
   * `ElementReader.intArray`: the parser may hand their items over packed (XmlParseOptions.packedIntLists).
   */
  readonly packedIntLists?: readonly string[];
}

/** Lookup by SOAPAction and by request element, built once per protocol. */
export class SoapOperationCatalog {
  private readonly byAction = new Map<string, SoapOperation[]>();
  private readonly byElement = new Map<string, SoapOperation>();
  private readonly packedByAction = new Map<string, ReadonlySet<string>>();

  constructor(readonly operations: readonly SoapOperation[]) {
    for (const op of operations) {
      for (const action of [op.action, ...(op.alternateActions ?? [])]) {
        this.byAction.set(action, [...(this.byAction.get(action) ?? []), op]);
      }
      const key = elementKey(op.namespace, op.name);
      if (this.byElement.has(key)) throw new Error(`duplicate operation element ${key}`);
      this.byElement.set(key, op);
    }
    // Per action, every operation it may carry (SyncUpdates' action also carries SyncPrinterCatalog):
    // the body element is only known after the parse.
    for (const [action, ops] of this.byAction) {
      const names = new Set(ops.flatMap((op) => op.packedIntLists ?? []));
      if (names.size > 0) this.packedByAction.set(action, names);
    }
  }

  /** The int arrays the parser may pack for a request with this SOAPAction; undefined for none. */
  packedIntListsFor(action: string): ReadonlySet<string> | undefined {
    return this.packedByAction.get(action);
  }

  isKnownAction(action: string): boolean {
    return this.byAction.has(action);
  }

  forElement(namespace: string, name: string): SoapOperation | undefined {
    return this.byElement.get(elementKey(namespace, name));
  }

  accepts(op: SoapOperation, action: string): boolean {
    return op.action === action || (op.alternateActions ?? []).includes(action);
  }
}

function elementKey(namespace: string, name: string): string {
  return `{${namespace}}${name}`;
}
