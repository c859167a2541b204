import { z } from 'zod';
import {
  CONTENT_MODES,
  DEFAULT_SCAN_SETTINGS_DATA,
  GUID_PATTERN,
  MAX_SCAN_PAGE_SIZE,
  normalizeGuid,
  ROLLUP_MODES,
  SERVER_ROLES,
  type ServerConfigurationData,
  TARGETING_MODES,
  UNAPPROVED_POLICIES,
} from '#contracts';
import { retentionInput } from '../cleanup/retention-settings.js';

/**
 * What a fresh server runs with until an administrator says otherwise: a root server (nothing to
 * sync from), synchronised by hand, keeping every product, classification and language, storing
 * content locally (what a root server with published updates needs), summary rollup (the least
 * traffic from downstream servers), content URLs taken from each request's Host, and SyncUpdates
 * pages of 30 with approved updates only (WS2025's page size; what an administrator approved).
 */
export const DEFAULT_SERVER_CONFIGURATION: ServerConfigurationData = {
  role: 'root',
  upstreamServerUrl: null,
  syncSchedule: { mode: 'manual' },
  rollup: 'summary',
  productIds: [],
  classificationIds: [],
  languages: [],
  contentMode: 'store-content',
  contentBaseUrl: null,
  scan: { ...DEFAULT_SCAN_SETTINGS_DATA },
};

/** Longest list of category ids a configuration keeps; well above the WSUS catalog's ~700 products. */
const MAX_CATEGORY_IDS = 5000;

const categoryIds = z
  .array(z.string().transform(normalizeGuid).pipe(z.string().regex(GUID_PATTERN, 'must be a GUID (an update id of a category)')))
  .max(MAX_CATEGORY_IDS)
  .transform((ids) => [...new Set(ids)].sort());

/** http(s)://host[:port] and nothing else: no path, query, fragment or credentials. */
export const serverBaseUrl = z.string().transform((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an http(s)://host[:port] URL' });
    return z.NEVER;
  }
  const bare = (url.protocol === 'http:' || url.protocol === 'https:') && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  if (!bare || /^[a-z]+:\/\/[^/]+\/./i.test(value.trim())) {
    ctx.addIssue({ code: 'custom', message: 'must be http(s)://host[:port] with no path, query or credentials' });
    return z.NEVER;
  }
  return `${url.protocol}//${url.host}`;
});

const scanSettings = z.strictObject({
  pageSize: z
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, `must be 1 to ${MAX_SCAN_PAGE_SIZE} updates per page`)
    .max(MAX_SCAN_PAGE_SIZE, `must be 1 to ${MAX_SCAN_PAGE_SIZE} updates per page (WSUS never sent more than ${MAX_SCAN_PAGE_SIZE})`)
    .default(DEFAULT_SCAN_SETTINGS_DATA.pageSize),
  unapprovedPolicy: z.enum(UNAPPROVED_POLICIES).default(DEFAULT_SCAN_SETTINGS_DATA.unapprovedPolicy),
});

const syncSchedule = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('manual') }),
  z.strictObject({
    mode: z.literal('daily'),
    at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (00:00 to 23:59)'),
    randomOffsetMinutes: z.number().int().min(0, 'must be 0 to 720 minutes').max(720, 'must be 0 to 720 minutes').default(0),
  }),
]);

/**
 * A whole configuration as an administrator sends it (PUT replaces it). Validated here, in the
 * domain, so the HTTP edge, the bus and the CLI get the same answers; the targeting mode rides along
 * because the WSUS options page sets it with the rest.
 */
export const serverConfigurationInput = z
  .strictObject({
    role: z.enum(SERVER_ROLES),
    upstreamServerUrl: serverBaseUrl.nullable().default(null),
    syncSchedule,
    rollup: z.enum(ROLLUP_MODES),
    productIds: categoryIds,
    classificationIds: categoryIds,
    languages: z
      .array(z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language code such as en, de or pt-br'))
      .max(200)
      .transform((codes) => [...new Set(codes.map((c) => c.toLowerCase()))].sort()),
    contentMode: z.enum(CONTENT_MODES),
    contentBaseUrl: serverBaseUrl.nullable().default(null),
    /** SyncUpdates page size and unapproved-update policy; absent = the defaults. */
    scan: scanSettings.default({ ...DEFAULT_SCAN_SETTINGS_DATA }),
    targetingMode: z.enum(TARGETING_MODES).optional(),
    /** Cleanup schedule and retention periods; absent (or an absent field) keeps what is set. */
    retention: retentionInput.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.role === 'root' && c.upstreamServerUrl !== null) {
      ctx.addIssue({ code: 'custom', path: ['upstreamServerUrl'], message: 'a root server has no upstream server: leave it null' });
    }
    if (c.role !== 'root' && c.upstreamServerUrl === null) {
      ctx.addIssue({ code: 'custom', path: ['upstreamServerUrl'], message: `a ${c.role} server needs its upstream server URL` });
    }
  });
export type ServerConfigurationInput = z.input<typeof serverConfigurationInput>;
