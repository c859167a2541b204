import { z } from 'zod';
import { ApplicabilityRuleSchema } from './applicability-rules.schema.js';
import { CLASSIFICATION_NAMES } from './classifications.js';

/**
 * What an administrator publishes (WSUS local publishing / SCUP): the metadata of one update
 * revision. Pure data, no bytes: the files arrive separately (the bus request carries them as
 * base64) and the generator gets their name, size and digests computed from the bytes.
 * Bounds follow the CSAPI schema where it states them (Title ≤ 200, Description ≤ 1500).
 */

const guid = z
  .string()
  .regex(/^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$/, 'must be a GUID')
  .transform((s) => s.replace(/^\{|\}$/g, '').toLowerCase());

const httpUrl = z.url({ protocol: /^https?$/ }).max(2048);

/** A file name as WUA stores it in its download cache: no path, no characters Windows refuses. */
export const FileName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^\\/:*?"<>|]+$/, 'must be a bare file name (no path or \\/:*?"<>| characters)')
  // Control characters (U+0000–U+001F) are as illegal in Windows file names as the above.
  .refine((n) => ![...n].some((c) => c.charCodeAt(0) < 0x20), 'must not contain control characters')
  .refine((n) => n !== '.' && n !== '..' && !n.endsWith('.') && !n.endsWith(' '), 'must be a valid Windows file name');

export const RebootBehavior = z.enum(['NeverReboots', 'AlwaysRequiresReboot', 'CanRequestReboot']);
export const InstallationImpact = z.enum(['Normal', 'Minor', 'RequiresExclusiveHandling']);

/** `Properties/InstallationBehavior` (and UninstallationBehavior): what WUA tells the user. */
export const InstallBehavior = z.strictObject({
  rebootBehavior: RebootBehavior.default('CanRequestReboot'),
  impact: InstallationImpact.default('Normal'),
  canRequestUserInput: z.boolean().default(false),
  requiresNetworkConnectivity: z.boolean().default(false),
});

export const InstallationResult = z.enum(['Succeeded', 'Failed', 'Cancelled']);

/** `HandlerSpecificData xsi:type="cmd:CommandLineInstallation"` (fixture 266f6222-…-r200). */
export const CommandLineInstaller = z.strictObject({
  kind: z.literal('commandLine'),
  /** One of the published files. */
  program: FileName,
  arguments: z.string().max(32_768).optional(),
  /** Result for a code not listed; WUA's default is Failed. */
  defaultResult: InstallationResult.optional(),
  rebootByDefault: z.boolean().optional(),
  returnCodes: z
    .array(
      z.strictObject({
        code: z.number().int().min(-2_147_483_648).max(4_294_967_295),
        result: InstallationResult,
        reboot: z.boolean().optional(),
      }),
    )
    .max(256)
    .default([{ code: 0, result: 'Succeeded' }]),
});

/** `HandlerSpecificData xsi:type="msp:WindowsInstallerApp"` (locally published MSI fixture). */
export const WindowsInstallerApp = z.strictObject({
  kind: z.literal('windowsInstaller'),
  productCode: guid,
  /** One of the published files. */
  msiFile: FileName,
  commandLine: z.string().min(1).max(32_768).optional(),
  uninstallCommandLine: z.string().min(1).max(32_768).optional(),
});

export const Installer = z.discriminatedUnion('kind', [CommandLineInstaller, WindowsInstallerApp]);

export const PublishUpdateRequest = z.strictObject({
  /** Absent: a new update (a new UpdateID). Present: the next revision of that update. */
  updateId: guid.optional(),
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().min(1).max(1500),
  classification: z.enum(CLASSIFICATION_NAMES),
  /** Product (or other) category UpdateIDs; one OR-clause, as WSUS writes it. Default: Locally Published Applications. */
  productIds: z.array(guid).min(1).max(64).optional(),
  kbArticleId: z.string().regex(/^(KB)?\d{1,10}$/i, 'must be a KB number like 5005565').transform((s) => s.replace(/^KB/i, '')).optional(),
  securityBulletinId: z.string().min(1).max(64).optional(),
  msrcSeverity: z.enum(['Critical', 'Important', 'Moderate', 'Low', 'Unspecified']).optional(),
  supportUrl: httpUrl.optional(),
  moreInfoUrl: httpUrl.optional(),
  applicability: z
    .strictObject({
      isInstalled: ApplicabilityRuleSchema.optional(),
      isInstallable: ApplicabilityRuleSchema.optional(),
      isSuperseded: ApplicabilityRuleSchema.optional(),
    })
    .default({}),
  /** CNF: every inner list is one OR-clause of UpdateIDs; all clauses must hold. */
  prerequisites: z.array(z.array(guid).min(1).max(256)).max(256).default([]),
  supersededUpdateIds: z.array(guid).max(1024).default([]),
  installer: Installer,
  installation: InstallBehavior.default({
    rebootBehavior: 'CanRequestReboot',
    impact: 'Normal',
    canRequestUserInput: false,
    requiresNetworkConnectivity: false,
  }),
  /** Absent: the update cannot be uninstalled through WUA. */
  uninstallation: InstallBehavior.optional(),
});
export type PublishUpdateRequest = z.output<typeof PublishUpdateRequest>;
export type PublishUpdateInput = z.input<typeof PublishUpdateRequest>;

/** A published file as the document declares it: digests computed from its bytes. */
export interface PublishedFile {
  readonly fileName: string;
  readonly size: number;
  /** Base64 SHA-1 (`File/@Digest`). */
  readonly sha1: string;
  /** Base64 SHA-256 (`AdditionalDigest Algorithm="SHA256"`). */
  readonly sha256: string;
  /** ISO 8601 UTC; the publish time when the publisher gives none. */
  readonly modified: string;
}

/** A license file as the document declares it (`LocalizedPropertiesCollection/EulaFile`, MS-WUSP <44>). */
export interface PublishedEulaFile {
  readonly language: string;
  /** ISO-3166 region; null = rest of world. */
  readonly geoId: string | null;
  readonly fileName: string;
  readonly size: number;
  readonly sha1: string;
  readonly sha256: string;
}

/** The update's license terms: `Properties/@EulaID` and its files. */
export interface PublishedEula {
  readonly eulaId: string;
  readonly files: readonly PublishedEulaFile[];
}
