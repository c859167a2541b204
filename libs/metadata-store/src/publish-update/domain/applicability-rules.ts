import {
  type ApplicabilityRule,
  LEAF_RULES,
  type LeafDefinition,
  type LeafRule,
  type ValueKind,
} from './applicability-rules.schema.js';
import { attributes, element, textElement } from './xml-text.js';

export * from './applicability-rules.schema.js';

/**
 * Renders the expression tree of applicability-rules.schema.ts in the `lar:` / `bar:` / `msiar:`
 * vocabulary; attribute order is the table's (the order real documents write them).
 */

export const NS = {
  upd: 'http://schemas.microsoft.com/msus/2002/12/Update',
  lar: 'http://schemas.microsoft.com/msus/2002/12/LogicalApplicabilityRules',
  bar: 'http://schemas.microsoft.com/msus/2002/12/BaseApplicabilityRules',
  msiar: 'http://schemas.microsoft.com/msus/2002/12/MsiApplicabilityRules',
} as const;

/** The rule as XML, prefixes `lar:`, `bar:`, `msiar:` (declared by the enclosing document). */
export function renderRule(rule: ApplicabilityRule): string {
  switch (rule.type) {
    case 'And':
    case 'Or':
      return element(`lar:${rule.type}`, '', rule.rules.map(renderRule).join(''));
    case 'Not':
      return element('lar:Not', '', renderRule(rule.rule));
    case 'True':
    case 'False':
      return `<lar:${rule.type} />`;
    default:
      return renderLeaf(rule);
  }
}

function renderLeaf(rule: LeafRule): string {
  const def: LeafDefinition = LEAF_RULES[rule.type];
  const values = rule as unknown as Record<string, unknown>;
  const attrs = attributes(def.attrs.map(([key, xmlName, kind]) => [xmlName, formatValue(kind, values[key])] as const));
  let content = '';
  for (const [key, xmlName, kind] of def.lists ?? []) {
    for (const item of (values[key] as unknown[] | undefined) ?? []) content += textElement(`${def.ns}:${xmlName}`, formatValue(kind, item)!);
  }
  return element(`${def.ns}:${rule.type}`, attrs, content);
}

function formatValue(kind: ValueKind, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (kind === 'msiGuid') return braced(String(value));
  return String(value);
}

/** MSI codes are written `{…}` (MsiApplicabilityRules mspblob:GUID; the MSI fixture's ProductCode). */
export function braced(guid: string): string {
  const bare = guid.replace(/^\{|\}$/g, '');
  return `{${bare}}`;
}

/** Which vocabularies a rule uses, so the document declares exactly those prefixes. */
export function namespacesOf(rule: ApplicabilityRule, into: Set<keyof typeof NS>): void {
  switch (rule.type) {
    case 'And':
    case 'Or':
      into.add('lar');
      for (const r of rule.rules) namespacesOf(r, into);
      return;
    case 'Not':
      into.add('lar');
      namespacesOf(rule.rule, into);
      return;
    case 'True':
    case 'False':
      into.add('lar');
      return;
    default:
      into.add(LEAF_RULES[rule.type].ns);
  }
}
