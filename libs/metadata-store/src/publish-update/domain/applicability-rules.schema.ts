import { z } from 'zod';

/**
 * Applicability rules as a typed expression tree: the schema half (rendering is in
 * applicability-rules.ts), in the BaseApplicabilityRules (`bar:`), MsiApplicabilityRules (`msiar:`)
 * and LogicalApplicabilityRules (`lar:`) vocabulary (../shared/specs/*.xsd). Every leaf kind is one
 * row of a table: its XSD element name, its attributes in the order real documents write them (the
 * XSD's own attributes, then the attribute group it extends with, e.g. `Path Comparison Version Key
 * Subkey Value` for FileVersionPrependRegSz in fixture 266f6222-…-r200), and each attribute's value
 * type. The zod schema, the TypeScript type and the renderer all come from that table, so a rule the
 * schema accepts is a rule the renderer can write. Zod-only, so it can move to #contracts as is.
 */

const GUID = /^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$/;

/** Value types of the XSDs (xs:* built-ins, and the unpublished bt:/mspblob: types as real documents use them). */
const VALUE = {
  uint: z.number().int().min(0).max(4_294_967_295),
  ushort: z.number().int().min(0).max(65_535),
  int: z.number().int().min(-2_147_483_648).max(2_147_483_647),
  boolean: z.boolean(),
  string: z.string().min(1).max(4096),
  language: z.string().regex(/^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$/, 'must be a language tag'),
  /** bt:ScalarComparison */
  scalarComparison: z.enum(['LessThan', 'LessThanOrEqualTo', 'EqualTo', 'GreaterThanOrEqualTo', 'GreaterThan']),
  /** bt:StringComparison */
  stringComparison: z.enum(['EqualTo', 'Contains', 'BeginsWith', 'EndsWith']),
  /** bt:Version: the four-part version string FileVersion compares with. */
  version: z.string().regex(/^\d{1,5}\.\d{1,5}\.\d{1,5}\.\d{1,5}$/, 'must be a four-part version a.b.c.d'),
  /** mspblob:Version: an MSI ProductVersion, one to four dotted parts. */
  msiVersion: z.string().regex(/^\d+(\.\d+){0,3}$/, 'must be a dotted version'),
  /** bt:RegistryKey (the root key) */
  registryKey: z.enum(['HKEY_LOCAL_MACHINE', 'HKEY_CURRENT_USER', 'HKEY_CLASSES_ROOT', 'HKEY_USERS', 'HKEY_CURRENT_CONFIG']),
  registryValueType: z.enum(['REG_SZ', 'REG_EXPAND_SZ', 'REG_BINARY', 'REG_DWORD', 'REG_MULTI_SZ', 'REG_QWORD']),
  /** bt:FileDate */
  fileDate: z.iso.datetime({ offset: true }),
  fileSize: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** mspblob:GUID: written braced, as MSI product codes are. */
  msiGuid: z.string().regex(GUID, 'must be a GUID'),
} as const;
export type ValueKind = keyof typeof VALUE;

/** One attribute: JSON property name, XML attribute name, value kind, required. */
type Attr = readonly [key: string, xmlName: string, kind: ValueKind, required: boolean];

const REGISTRY_KEY_ATTRS: readonly Attr[] = [
  ['key', 'Key', 'registryKey', true],
  ['subkey', 'Subkey', 'string', true],
  ['regType32', 'RegType32', 'boolean', false],
];
const REGISTRY_VALUE_ATTRS: readonly Attr[] = [
  ['key', 'Key', 'registryKey', true],
  ['subkey', 'Subkey', 'string', true],
  ['value', 'Value', 'string', false],
  ['regType32', 'RegType32', 'boolean', false],
];
const VERSION_ATTRS: readonly Attr[] = [
  ['comparison', 'Comparison', 'scalarComparison', false],
  ['majorVersion', 'MajorVersion', 'uint', false],
  ['minorVersion', 'MinorVersion', 'uint', false],
  ['buildNumber', 'BuildNumber', 'uint', false],
  ['servicePackMajor', 'ServicePackMajor', 'ushort', false],
  ['servicePackMinor', 'ServicePackMinor', 'ushort', false],
  ['allSuitesMustBePresent', 'AllSuitesMustBePresent', 'boolean', false],
  ['suiteMask', 'SuiteMask', 'ushort', false],
  ['productType', 'ProductType', 'ushort', false],
];
const CSIDL: Attr = ['csidl', 'Csidl', 'int', false];
const fileCompare = (key: string, xmlName: string, kind: ValueKind): readonly Attr[] => [
  ['path', 'Path', 'string', true],
  ['comparison', 'Comparison', 'scalarComparison', true],
  [key, xmlName, kind, true],
];
const FILE_EXISTS_ATTRS: readonly Attr[] = [
  ['path', 'Path', 'string', true],
  ['version', 'Version', 'version', false],
  ['created', 'Created', 'fileDate', false],
  ['modified', 'Modified', 'fileDate', false],
  ['size', 'Size', 'fileSize', false],
  ['language', 'Language', 'ushort', false],
];
const MSI_VERSION_RANGE: readonly Attr[] = [
  ['versionMax', 'VersionMax', 'msiVersion', false],
  ['excludeVersionMax', 'ExcludeVersionMax', 'boolean', false],
  ['versionMin', 'VersionMin', 'msiVersion', false],
  ['excludeVersionMin', 'ExcludeVersionMin', 'boolean', false],
  ['language', 'Language', 'int', false],
];

export interface LeafDefinition {
  readonly ns: 'bar' | 'msiar';
  readonly attrs: readonly Attr[];
  /** Child elements with text content (MsiFeatureInstalledForProduct's Feature+, Product+). */
  readonly lists?: readonly (readonly [key: string, xmlName: string, kind: ValueKind])[];
}

/** Every leaf rule we publish; the names are the XSD element names. */
export const LEAF_RULES = {
  // Operating system (BaseApplicabilityRules.xsd "Operating system checks")
  Platform: { ns: 'bar', attrs: [['platformId', 'PlatformID', 'uint', true]] },
  WindowsVersion: { ns: 'bar', attrs: VERSION_ATTRS },
  PlatformVersion: { ns: 'bar', attrs: VERSION_ATTRS },
  WindowsLanguage: { ns: 'bar', attrs: [['language', 'Language', 'language', true]] },
  PlatformLanguage: { ns: 'bar', attrs: [['language', 'Language', 'language', true]] },
  MuiInstalled: { ns: 'bar', attrs: [] },
  MuiLanguageInstalled: { ns: 'bar', attrs: [['language', 'Language', 'language', true]] },
  SystemMetric: {
    ns: 'bar',
    attrs: [
      ['comparison', 'Comparison', 'scalarComparison', true],
      ['index', 'Index', 'int', true],
      ['value', 'Value', 'int', true],
    ],
  },
  // Processor (Architecture is the PROCESSOR_ARCHITECTURE number: 0 x86, 5 ARM, 9 AMD64, 12 ARM64)
  Processor: {
    ns: 'bar',
    attrs: [
      ['architecture', 'Architecture', 'ushort', true],
      ['level', 'Level', 'ushort', false],
      ['revision', 'Revision', 'ushort', false],
    ],
  },
  NumberOfProcessors: {
    ns: 'bar',
    attrs: [
      ['comparison', 'Comparison', 'scalarComparison', true],
      ['number', 'Number', 'uint', true],
    ],
  },
  ClusteredOS: { ns: 'bar', attrs: [] },
  // File system
  FileExists: { ns: 'bar', attrs: [...FILE_EXISTS_ATTRS, CSIDL] },
  FileExistsPrependRegSz: { ns: 'bar', attrs: [...FILE_EXISTS_ATTRS, ...REGISTRY_VALUE_ATTRS] },
  FileVersion: { ns: 'bar', attrs: [...fileCompare('version', 'Version', 'version'), CSIDL] },
  FileVersionPrependRegSz: { ns: 'bar', attrs: [...fileCompare('version', 'Version', 'version'), ...REGISTRY_VALUE_ATTRS] },
  FileCreated: { ns: 'bar', attrs: [...fileCompare('created', 'Created', 'fileDate'), CSIDL] },
  FileCreatedPrependRegSz: { ns: 'bar', attrs: [...fileCompare('created', 'Created', 'fileDate'), ...REGISTRY_VALUE_ATTRS] },
  FileModified: { ns: 'bar', attrs: [...fileCompare('modified', 'Modified', 'fileDate'), CSIDL] },
  FileModifiedPrependRegSz: { ns: 'bar', attrs: [...fileCompare('modified', 'Modified', 'fileDate'), ...REGISTRY_VALUE_ATTRS] },
  FileSize: { ns: 'bar', attrs: [...fileCompare('size', 'Size', 'fileSize'), CSIDL] },
  FileSizePrependRegSz: { ns: 'bar', attrs: [...fileCompare('size', 'Size', 'fileSize'), ...REGISTRY_VALUE_ATTRS] },
  // Registry
  RegKeyExists: { ns: 'bar', attrs: REGISTRY_KEY_ATTRS },
  RegValueExists: {
    ns: 'bar',
    attrs: [
      ['key', 'Key', 'registryKey', true],
      ['subkey', 'Subkey', 'string', true],
      ['value', 'Value', 'string', false],
      ['valueType', 'Type', 'registryValueType', false],
      ['regType32', 'RegType32', 'boolean', false],
    ],
  },
  RegDword: {
    ns: 'bar',
    attrs: [...REGISTRY_VALUE_ATTRS, ['comparison', 'Comparison', 'scalarComparison', true], ['data', 'Data', 'uint', true]],
  },
  RegExpandSz: {
    ns: 'bar',
    attrs: [...REGISTRY_VALUE_ATTRS, ['comparison', 'Comparison', 'stringComparison', true], ['data', 'Data', 'string', true]],
  },
  RegSz: {
    ns: 'bar',
    attrs: [...REGISTRY_VALUE_ATTRS, ['comparison', 'Comparison', 'stringComparison', true], ['data', 'Data', 'string', true]],
  },
  RegSzToVersion: {
    ns: 'bar',
    attrs: [...REGISTRY_VALUE_ATTRS, ['comparison', 'Comparison', 'scalarComparison', true], ['data', 'Data', 'version', true]],
  },
  // Software licensing, WMI, history, generic
  LicenseValueExists: { ns: 'bar', attrs: [['value', 'Value', 'string', true]] },
  LicenseDword: {
    ns: 'bar',
    attrs: [
      ['value', 'Value', 'string', true],
      ['comparison', 'Comparison', 'scalarComparison', true],
      ['data', 'Data', 'uint', true],
    ],
  },
  WmiQuery: {
    ns: 'bar',
    attrs: [
      ['namespace', 'Namespace', 'string', false],
      ['wqlQuery', 'WqlQuery', 'string', true],
    ],
  },
  InstalledOnce: { ns: 'bar', attrs: [] },
  GenericQuery: {
    ns: 'bar',
    attrs: [
      ['namespace', 'Namespace', 'string', true],
      ['queryType', 'Type', 'string', true],
      ['parameter', 'Parameter', 'string', true],
      ['comparison', 'Comparison', 'scalarComparison', false],
      ['value', 'Value', 'string', false],
    ],
  },
  // Windows Installer (MsiApplicabilityRules.xsd)
  MsiProductInstalled: { ns: 'msiar', attrs: [['productCode', 'ProductCode', 'msiGuid', true], ...MSI_VERSION_RANGE] },
  MsiPatchInstalledForProduct: {
    ns: 'msiar',
    attrs: [['patchCode', 'PatchCode', 'msiGuid', true], ['productCode', 'ProductCode', 'msiGuid', true], ...MSI_VERSION_RANGE],
  },
  MsiFeatureInstalledForProduct: {
    ns: 'msiar',
    attrs: [
      ['allFeaturesRequired', 'AllFeaturesRequired', 'boolean', false],
      ['allProductsRequired', 'AllProductsRequired', 'boolean', false],
    ],
    lists: [
      ['features', 'Feature', 'string'],
      ['products', 'Product', 'msiGuid'],
    ],
  },
  MsiComponentInstalledForProduct: {
    ns: 'msiar',
    attrs: [
      ['allComponentsRequired', 'AllComponentsRequired', 'boolean', false],
      ['allProductsRequired', 'AllProductsRequired', 'boolean', false],
    ],
    lists: [
      ['components', 'Component', 'msiGuid'],
      ['products', 'Product', 'msiGuid'],
    ],
  },
  /** These three read the update's MsiApplicationMetadata (the generator writes it for an MSI handler). */
  MsiApplicationInstalled: { ns: 'msiar', attrs: [] },
  MsiApplicationInstallable: { ns: 'msiar', attrs: [] },
  MsiApplicationSuperseded: { ns: 'msiar', attrs: [] },
} as const satisfies Record<string, LeafDefinition>;

export type LeafRuleName = keyof typeof LEAF_RULES;
export const LEAF_RULE_NAMES = Object.keys(LEAF_RULES) as LeafRuleName[];

// --- the TypeScript type, derived from the table ------------------------------------------------

type ValueOf<K extends ValueKind> = z.infer<(typeof VALUE)[K]>;
type AttrTuple = readonly [string, string, ValueKind, boolean];
type RequiredAttrs<A extends readonly AttrTuple[]> = {
  [T in A[number] as T[3] extends true ? T[0] : never]: ValueOf<T[2]>;
};
type OptionalAttrs<A extends readonly AttrTuple[]> = {
  [T in A[number] as T[3] extends true ? never : T[0]]?: ValueOf<T[2]>;
};
type ListAttrs<D> = D extends { lists: readonly (readonly [string, string, ValueKind])[] }
  ? { [T in D['lists'][number] as T[0]]: ValueOf<T[2]>[] }
  : unknown;
type LeafOf<N extends LeafRuleName> = { type: N } & RequiredAttrs<(typeof LEAF_RULES)[N]['attrs']> &
  OptionalAttrs<(typeof LEAF_RULES)[N]['attrs']> &
  ListAttrs<(typeof LEAF_RULES)[N]>;

export type LeafRule = { [N in LeafRuleName]: LeafOf<N> }[LeafRuleName];

export type ApplicabilityRule =
  | { type: 'And'; rules: ApplicabilityRule[] }
  | { type: 'Or'; rules: ApplicabilityRule[] }
  | { type: 'Not'; rule: ApplicabilityRule }
  | { type: 'True' }
  | { type: 'False' }
  | LeafRule;

// --- the zod schema, from the same table -------------------------------------------------------

function leafSchema(name: LeafRuleName): z.ZodObject {
  const def: LeafDefinition = LEAF_RULES[name];
  // `type` is the discriminator; an XSD attribute named Type gets another key (valueType, queryType).
  const shape: Record<string, z.ZodType> = { type: z.literal(name) };
  for (const [key, , kind, required] of def.attrs) shape[key] = required ? VALUE[kind] : VALUE[kind].optional();
  for (const [key, , kind] of def.lists ?? []) shape[key] = z.array(VALUE[kind]).min(1).max(256);
  return z.strictObject(shape);
}

/** Bounds a hostile tree; real rules nest below 20 (the Defender leaves go 7 deep). */
export const MAX_RULE_DEPTH = 32;
export const MAX_RULE_NODES = 2_000;

export const ApplicabilityRuleSchema: z.ZodType<ApplicabilityRule> = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('And'),
      get rules() {
        return z.array(ApplicabilityRuleSchema).min(1).max(256);
      },
    }),
    z.strictObject({
      type: z.literal('Or'),
      get rules() {
        return z.array(ApplicabilityRuleSchema).min(1).max(256);
      },
    }),
    z.strictObject({
      type: z.literal('Not'),
      get rule() {
        return ApplicabilityRuleSchema;
      },
    }),
    z.strictObject({ type: z.literal('True') }),
    z.strictObject({ type: z.literal('False') }),
    ...LEAF_RULE_NAMES.map(leafSchema),
  ])
  .superRefine((rule, ctx) => {
    const { depth, nodes } = measure(rule as ApplicabilityRule);
    if (depth > MAX_RULE_DEPTH) ctx.addIssue({ code: 'custom', message: `rules nest ${depth} deep; at most ${MAX_RULE_DEPTH}` });
    if (nodes > MAX_RULE_NODES) ctx.addIssue({ code: 'custom', message: `${nodes} rule nodes; at most ${MAX_RULE_NODES}` });
  }) as unknown as z.ZodType<ApplicabilityRule>;

function measure(rule: ApplicabilityRule): { depth: number; nodes: number } {
  const children = rule.type === 'And' || rule.type === 'Or' ? rule.rules : rule.type === 'Not' ? [rule.rule] : [];
  let depth = 0;
  let nodes = 1;
  for (const child of children) {
    const m = measure(child);
    depth = Math.max(depth, m.depth);
    nodes += m.nodes;
  }
  return { depth: depth + 1, nodes };
}

