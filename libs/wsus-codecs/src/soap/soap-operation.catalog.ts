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
}

/** Lookup by SOAPAction and by request element, built once per protocol. */
export class SoapOperationCatalog {
  private readonly byAction = new Map<string, SoapOperation[]>();
  private readonly byElement = new Map<string, SoapOperation>();

  constructor(readonly operations: readonly SoapOperation[]) {
    for (const op of operations) {
      for (const action of [op.action, ...(op.alternateActions ?? [])]) {
        this.byAction.set(action, [...(this.byAction.get(action) ?? []), op]);
      }
      const key = elementKey(op.namespace, op.name);
      if (this.byElement.has(key)) throw new Error(`duplicate operation element ${key}`);
      this.byElement.set(key, op);
    }
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
