import { XmlTokenizer } from '#wsus-codecs/update-metadata';

/**
 * A structural check of rendered applicability rules against the published XSDs
 * (BaseApplicabilityRules.xsd, MsiApplicabilityRules.xsd from MS-WUSP Appendix B). Not a full XSD
 * validator: it reads from the schema text which elements exist, which attributes each allows
 * (its own, those of the named complexType it extends, and its attribute groups), which are
 * required, their declared types, and the child elements declared inline; then every `bar:` /
 * `msiar:` element of the rules must be declared, carry only declared attributes, carry every
 * required one, and each value must have the lexical form of its type.
 *
 * The schemas import BaseTypes (`bt:`), the patch-applicability schema (`mspblob:`) and the
 * LogicalApplicabilityRules schema (`lar:`), none of them published. Their parts used here are
 * supplied below in the form real update documents use them; a type with no rule is reported, so
 * nothing passes unchecked.
 */

export interface XsdAttribute {
  readonly type: string;
  readonly required: boolean;
}

export interface XsdElement {
  readonly attributes: ReadonlyMap<string, XsdAttribute>;
  /** Inline child elements (MsiFeatureInstalledForProduct's Feature, Product) and their types. */
  readonly children: ReadonlyMap<string, string>;
}

interface Owner {
  readonly attributes: Map<string, XsdAttribute>;
  readonly children: Map<string, string>;
  readonly groups: string[];
  base: string | undefined;
}

/** bt:RegistryKeyAttributes / bt:RegistryValueAttributes, as real documents write them (Key Subkey [Value] [RegType32]). */
const ATTRIBUTE_GROUPS: Readonly<Record<string, readonly (readonly [string, XsdAttribute])[]>> = {
  'bt:RegistryKeyAttributes': [
    ['Key', { type: 'bt:RegistryKey', required: true }],
    ['Subkey', { type: 'bt:RegistrySubkey', required: true }],
    ['RegType32', { type: 'boolean', required: false }],
  ],
  'bt:RegistryValueAttributes': [
    ['Key', { type: 'bt:RegistryKey', required: true }],
    ['Subkey', { type: 'bt:RegistrySubkey', required: true }],
    ['Value', { type: 'bt:RegistryValue', required: false }],
    ['RegType32', { type: 'boolean', required: false }],
  ],
};

const range = (min: number, max: number) => (v: string) => /^-?\d+$/.test(v) && Number(v) >= min && Number(v) <= max;
const oneOf = (...values: string[]) => (v: string) => values.includes(v);
const nonEmpty = (v: string) => v.length > 0;
const MSI_GUID = /^\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}$/;

/** Lexical checks per XSD type: xs: built-ins by the spec, bt:/mspblob: by what real documents carry. */
export const TYPE_CHECKS: Readonly<Record<string, (value: string) => boolean>> = {
  unsignedInt: range(0, 4_294_967_295),
  unsignedShort: range(0, 65_535),
  int: range(-2_147_483_648, 2_147_483_647),
  boolean: oneOf('true', 'false', '1', '0'),
  string: () => true,
  language: (v) => /^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$/.test(v),
  'bt:ScalarComparison': oneOf('LessThan', 'LessThanOrEqualTo', 'EqualTo', 'GreaterThanOrEqualTo', 'GreaterThan'),
  'bt:StringComparison': oneOf('EqualTo', 'Contains', 'BeginsWith', 'EndsWith'),
  'bt:Version': (v) => /^\d{1,5}\.\d{1,5}\.\d{1,5}\.\d{1,5}$/.test(v),
  'bt:FilePath': nonEmpty,
  'bt:FileDate': (v) => !Number.isNaN(Date.parse(v)) && /^\d{4}-\d{2}-\d{2}T/.test(v),
  'bt:FileSize': (v) => /^\d+$/.test(v),
  'bt:Csidl': range(-2_147_483_648, 2_147_483_647),
  'bt:PlatformID': range(0, 4_294_967_295),
  'bt:ProcessorArchitecture': range(0, 65_535),
  'bt:ProcessorLevel': range(0, 65_535),
  'bt:ProcessorRevision': range(0, 65_535),
  'bt:RegistryKey': oneOf('HKEY_LOCAL_MACHINE', 'HKEY_CURRENT_USER', 'HKEY_CLASSES_ROOT', 'HKEY_USERS', 'HKEY_CURRENT_CONFIG'),
  'bt:RegistrySubkey': nonEmpty,
  'bt:RegistryValue': () => true,
  'bt:RegistryValueType': oneOf('REG_SZ', 'REG_EXPAND_SZ', 'REG_BINARY', 'REG_DWORD', 'REG_MULTI_SZ', 'REG_QWORD'),
  'bt:RegistryValueDword': range(0, 4_294_967_295),
  'bt:RegistryValueSz': () => true,
  'bt:RegistryValueExpandSz': () => true,
  'bt:WmiNamespace': nonEmpty,
  'bt:WmiWqlQuery': nonEmpty,
  'bt:LicenseValue': nonEmpty,
  'bt:LicenseValueDword': range(0, 4_294_967_295),
  'bt:MsiFeatureName': nonEmpty,
  'bt:MsiComponentCode': (v) => MSI_GUID.test(v),
  'mspblob:GUID': (v) => MSI_GUID.test(v),
  'mspblob:Version': (v) => /^\d+(\.\d+){0,3}$/.test(v),
};

/** Top-level elements of one applicability-rule schema, resolved as described above. */
export function readRuleSchema(xsd: string): Map<string, XsdElement> {
  const elements = new Map<string, Owner>();
  const types = new Map<string, Owner>();
  const owners: (Owner | undefined)[] = [];
  const tokenizer = new XmlTokenizer(xsd);
  const newOwner = (): Owner => ({ attributes: new Map(), children: new Map(), groups: [], base: undefined });
  for (let t = tokenizer.next(); t !== undefined; t = tokenizer.next()) {
    if (t.kind === 'end') {
      owners.pop();
      continue;
    }
    if (t.kind !== 'start') continue;
    const a = Object.fromEntries(t.attributes.map((x) => [x.name, x.value]));
    const depth = owners.length;
    const current = owners.at(-1);
    let pushed: Owner | undefined = current;
    if (depth === 1 && t.name === 'element' && a['name'] !== undefined) {
      pushed = newOwner();
      elements.set(a['name'], pushed);
    } else if (depth === 1 && t.name === 'complexType' && a['name'] !== undefined) {
      pushed = newOwner();
      types.set(a['name'], pushed);
    } else if (current !== undefined && t.name === 'element' && a['name'] !== undefined) {
      // An inline child element: recorded on its parent, its own content is not a rule's.
      current.children.set(a['name'], a['type'] ?? 'complex');
      pushed = undefined;
    } else if (current !== undefined && t.name === 'attribute' && a['name'] !== undefined) {
      current.attributes.set(a['name'], { type: a['type'] ?? 'string', required: a['use'] === 'required' });
    } else if (current !== undefined && t.name === 'attributeGroup' && a['ref'] !== undefined) {
      current.groups.push(a['ref']);
    } else if (current !== undefined && t.name === 'extension' && a['base'] !== undefined) {
      current.base = a['base'];
    }
    owners.push(pushed);
  }
  const resolved = new Map<string, XsdElement>();
  for (const [name, owner] of elements) {
    const attributes = new Map<string, XsdAttribute>();
    const add = (o: Owner) => {
      for (const [k, v] of o.attributes) attributes.set(k, v);
      for (const g of o.groups) for (const [k, v] of ATTRIBUTE_GROUPS[g] ?? []) attributes.set(k, v);
    };
    const base = owner.base?.includes(':') ? types.get(owner.base.slice(owner.base.indexOf(':') + 1)) : undefined;
    if (base !== undefined) add(base);
    add(owner);
    for (const g of [...owner.groups, ...(base?.groups ?? [])]) {
      if (ATTRIBUTE_GROUPS[g] === undefined) attributes.set(`(unknown attribute group ${g})`, { type: '?', required: true });
    }
    resolved.set(name, { attributes, children: owner.children });
  }
  return resolved;
}

export interface RuleSchemas {
  readonly bar: ReadonlyMap<string, XsdElement>;
  readonly msiar: ReadonlyMap<string, XsdElement>;
}

const LOGICAL: Readonly<Record<string, readonly [min: number, max: number]>> = {
  And: [1, Infinity],
  Or: [1, Infinity],
  Not: [1, 1],
  True: [0, 0],
  False: [0, 0],
};

/**
 * Problems of rendered rules (`lar:`/`bar:`/`msiar:` prefixes as the generator writes them);
 * empty when every element and attribute is declared and well-typed.
 */
export function checkRulesXml(xml: string, schemas: RuleSchemas): string[] {
  const problems: string[] = [];
  const stack: { name: string; children: number; xsd?: XsdElement; prefix: string }[] = [];
  const tokenizer = new XmlTokenizer(`<root>${xml}</root>`);
  for (let t = tokenizer.next(); t !== undefined; t = tokenizer.next()) {
    if (t.kind === 'text') continue;
    if (t.kind === 'end') {
      const done = stack.pop();
      if (done !== undefined && done.prefix === 'lar') {
        const [min, max] = LOGICAL[done.name] ?? [0, 0];
        if (done.children < min || done.children > max) problems.push(`lar:${done.name} has ${done.children} children`);
      }
      continue;
    }
    const parent = stack.at(-1);
    if (parent !== undefined) parent.children++;
    const [prefix, local] = t.name.includes(':') ? (t.name.split(':') as [string, string]) : ['', t.name];
    if (t.name === 'root') {
      stack.push({ name: 'root', children: 0, prefix: '' });
      continue;
    }
    if (parent?.xsd !== undefined) {
      // A declared child element (Feature, Product…) with text content.
      if (!parent.xsd.children.has(local)) problems.push(`${parent.prefix}:${parent.name} declares no child ${local}`);
      stack.push({ name: local, children: 0, prefix });
      continue;
    }
    if (prefix === 'lar') {
      if (LOGICAL[local] === undefined) problems.push(`lar:${local} is not a logical rule`);
      stack.push({ name: local, children: 0, prefix });
      continue;
    }
    const table = prefix === 'bar' ? schemas.bar : prefix === 'msiar' ? schemas.msiar : undefined;
    const xsd = table?.get(local);
    if (xsd === undefined) {
      problems.push(`${t.name} is not declared by the ${prefix} schema`);
      stack.push({ name: local, children: 0, prefix });
      continue;
    }
    const given = new Map(t.attributes.filter((x) => !x.name.startsWith('xmlns')).map((x) => [x.name, x.value]));
    for (const [name, value] of given) {
      const declared = xsd.attributes.get(name);
      if (declared === undefined) problems.push(`${t.name}/@${name} is not declared`);
      else if (TYPE_CHECKS[declared.type] === undefined) problems.push(`${t.name}/@${name}: no check for type ${declared.type}`);
      else if (!TYPE_CHECKS[declared.type]!(value)) problems.push(`${t.name}/@${name}="${value}" is not a ${declared.type}`);
    }
    for (const [name, declared] of xsd.attributes) {
      if (declared.required && !given.has(name)) problems.push(`${t.name}/@${name} is required`);
    }
    stack.push({ name: local, children: 0, prefix, ...(xsd.children.size > 0 ? { xsd } : {}) });
  }
  return problems;
}

/** The text of the child elements (`msiar:Feature`) is checked by type too. */
export function checkListTypes(xml: string, schemas: RuleSchemas): string[] {
  const problems: string[] = [];
  const tokenizer = new XmlTokenizer(`<root>${xml}</root>`);
  const names: string[] = [];
  for (let t = tokenizer.next(); t !== undefined; t = tokenizer.next()) {
    if (t.kind === 'start') names.push(t.name);
    else if (t.kind === 'end') names.pop();
    else {
      const child = names.at(-1)?.split(':')[1];
      const parent = names.at(-2)?.split(':')[1];
      const type = parent === undefined || child === undefined ? undefined : schemas.msiar.get(parent)?.children.get(child);
      if (type !== undefined && !(TYPE_CHECKS[type]?.(t.text) ?? false)) problems.push(`${parent}/${child} "${t.text}" is not a ${type}`);
    }
  }
  return problems;
}
