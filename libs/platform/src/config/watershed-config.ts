import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { SERVICE_NAMES, type ServiceName } from '#contracts';

/** 8530 is the port WSUS itself listens on for HTTP, so clients' WUServer policy can stay as it is. */
export const DEFAULT_PORT = 8530;
/** Relative to the working directory, so `npm start` in a checkout keeps its data in the checkout. */
export const DEFAULT_DATA_DIR = './data';
/** Long enough for a SyncUpdates page on a slow disk to finish; short enough for a Kubernetes rollout. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
/** Bus calls are internal hops on a LAN; 5 s means something is wrong, not slow. */
export const DEFAULT_BUS_TIMEOUT_MS = 5_000;
/** Stream holding durable work; one per installation (tests make their own). */
export const DEFAULT_NATS_STREAM = 'WATERSHED';
/**
 * Largest file one content upload may carry: above any real package (feature updates and Office
 * installs are a few GiB), low enough that a runaway client cannot fill a volume in one request.
 */
export const DEFAULT_UPLOAD_MAX_BYTES = 32 * 1024 ** 3;

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface WatershedConfig {
  readonly port: number;
  readonly host: string;
  readonly services: readonly ServiceName[];
  readonly mode: 'all-in-one' | 'split';
  readonly store: { readonly kind: 'postgres'; readonly url: string } | { readonly kind: 'pglite'; readonly dataDir: string };
  readonly dataDir: string;
  readonly bus:
    | { readonly kind: 'nats'; readonly url: string; readonly namespace: string; readonly streamName: string }
    | { readonly kind: 'in-process' };
  readonly busTimeoutMs: number;
  readonly logLevel: LogLevel;
  readonly shutdownGraceMs: number;
  readonly instanceId: string;
  /**
   * Keys that seal client cookies, newest first (the first one seals, all of them open). Null when
   * not configured: an all-in-one server then keeps a generated key in its data directory.
   */
  readonly cookieKeys: readonly CookieKey[] | null;
  /** Where update files are stored, content-addressed. */
  readonly contentDir: string;
  /** Base URL clients download content from (FileLocations); null = the request's Host. */
  readonly publicUrl: string | null;
  /** Bearer tokens accepted by the admin API, from configuration (the CLI can add more). */
  readonly adminTokens: readonly string[];
  /** Largest body a content upload (PUT /api/v1/content/{sha256}) may stream; larger is 413. */
  readonly uploadMaxBytes: number;
}

export interface CookieKey {
  readonly id: string;
  /** 32 bytes (AES-256-GCM). */
  readonly key: Buffer;
}

/** One problem per setting, named as the operator writes it. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly { setting: string; message: string }[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p.setting}: ${p.message}`).join('\n')}`);
  }
}

/** Settings that may also come from command-line flags (flags win). */
export interface ConfigOverrides {
  readonly port?: string;
  readonly host?: string;
  readonly services?: string;
  readonly dataDir?: string;
  readonly logLevel?: string;
}

export const CONFIG_SETTINGS = {
  port: 'WATERSHED_PORT',
  host: 'WATERSHED_HOST',
  services: 'WATERSHED_SERVICES',
  dataDir: 'WATERSHED_DATA_DIR',
  databaseUrl: 'DATABASE_URL',
  natsUrl: 'NATS_URL',
  natsNamespace: 'WATERSHED_NATS_NAMESPACE',
  natsStream: 'WATERSHED_NATS_STREAM',
  busTimeoutMs: 'WATERSHED_BUS_TIMEOUT_MS',
  logLevel: 'WATERSHED_LOG_LEVEL',
  shutdownGraceMs: 'WATERSHED_SHUTDOWN_GRACE_MS',
  instanceId: 'WATERSHED_INSTANCE_ID',
  cookieKeys: 'WATERSHED_COOKIE_KEYS',
  contentDir: 'WATERSHED_CONTENT_DIR',
  publicUrl: 'WATERSHED_PUBLIC_URL',
  adminTokens: 'WATERSHED_ADMIN_TOKENS',
  uploadMaxBytes: 'WATERSHED_UPLOAD_MAX_BYTES',
} as const;

const intIn = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

const fields = {
  // 0 asks the OS for a free port (tests, side-by-side instances); the bound URL is logged.
  port: intIn(0, 65_535),
  host: z.string().min(1),
  services: z.string().transform((text, ctx) => {
    if (text.trim() === '' || text.trim() === 'all') return [...SERVICE_NAMES];
    const names = [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))];
    const unknown = names.filter((n) => !(SERVICE_NAMES as readonly string[]).includes(n));
    if (unknown.length > 0) {
      ctx.addIssue({ code: 'custom', message: `unknown service ${unknown.join(', ')}; known: all, ${SERVICE_NAMES.join(', ')}` });
      return z.NEVER;
    }
    return SERVICE_NAMES.filter((n) => names.includes(n));
  }),
  dataDir: z.string().min(1),
  databaseUrl: z.string().refine((u) => /^postgres(ql)?:\/\/.+/.test(u), 'must be a postgres:// or postgresql:// URL'),
  natsUrl: z.string().refine((u) => /^(nats|tls):\/\/.+/.test(u) || /^[^/\s]+:\d+$/.test(u), 'must be nats://host:port'),
  natsNamespace: z.string().regex(/^([A-Za-z0-9_-]+\.)*$/, 'must be empty or dotted words ending in a dot, e.g. "site1."'),
  natsStream: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, _ or -'),
  busTimeoutMs: intIn(100, 300_000),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  shutdownGraceMs: intIn(0, 600_000),
  instanceId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,100}$/, 'must be letters, digits, _ . -'),
  cookieKeys: z.string().transform((text, ctx): CookieKey[] => {
    const keys: CookieKey[] = [];
    for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
      const match = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/=]+)$/.exec(entry);
      const key = match ? Buffer.from(match[2]!, 'base64') : null;
      if (!match || !key || key.length !== 32) {
        ctx.addIssue({ code: 'custom', message: 'must be a comma list of id:base64 entries, each key exactly 32 bytes (openssl rand -base64 32)' });
        return z.NEVER;
      }
      if (keys.some((k) => k.id === match[1])) {
        ctx.addIssue({ code: 'custom', message: `key id ${match[1]} appears twice` });
        return z.NEVER;
      }
      keys.push({ id: match[1]!, key });
    }
    if (keys.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'must hold at least one id:base64 key' });
      return z.NEVER;
    }
    return keys;
  }),
  contentDir: z.string().min(1),
  publicUrl: z.string().refine((u) => /^https?:\/\/[^/\s]+(:\d+)?\/?$/.test(u), 'must be http(s)://host[:port] with no path'),
  adminTokens: z.string().transform((text, ctx) => {
    const tokens = text.split(',').map((t) => t.trim()).filter(Boolean);
    if (tokens.some((t) => t.length < 32)) {
      ctx.addIssue({ code: 'custom', message: 'each token must be at least 32 characters (openssl rand -hex 32)' });
      return z.NEVER;
    }
    return tokens;
  }),
  uploadMaxBytes: intIn(1, Number.MAX_SAFE_INTEGER),
};

/** Reads and validates everything once at start; a bad value fails fast with the setting's name. */
export function loadConfig(env: NodeJS.ProcessEnv, overrides: ConfigOverrides = {}): WatershedConfig {
  const problems: { setting: string; message: string }[] = [];
  const read = <K extends keyof typeof fields>(key: K, raw: string | undefined, fallback?: string, flag?: string): z.output<(typeof fields)[K]> | undefined => {
    const value = raw ?? fallback;
    const setting = flag !== undefined ? `--${flag}` : CONFIG_SETTINGS[key];
    if (value === undefined) return undefined;
    const result = fields[key].safeParse(value);
    if (!result.success) {
      const shown = key === 'databaseUrl' ? '(hidden)' : JSON.stringify(value);
      problems.push({ setting, message: `${result.error.issues[0]?.message ?? 'invalid'} (got ${shown})` });
      return undefined;
    }
    return result.data as z.output<(typeof fields)[K]>;
  };

  const port = read('port', overrides.port ?? env.WATERSHED_PORT, String(DEFAULT_PORT), overrides.port === undefined ? undefined : 'port');
  const host = read('host', overrides.host ?? env.WATERSHED_HOST, '0.0.0.0', overrides.host === undefined ? undefined : 'host');
  const services = read('services', overrides.services ?? env.WATERSHED_SERVICES, 'all', overrides.services === undefined ? undefined : 'services');
  const dataDir = read('dataDir', overrides.dataDir ?? env.WATERSHED_DATA_DIR, DEFAULT_DATA_DIR, overrides.dataDir === undefined ? undefined : 'data-dir');
  const databaseUrl = read('databaseUrl', nonEmpty(env.DATABASE_URL));
  const natsUrl = read('natsUrl', nonEmpty(env.NATS_URL));
  const natsNamespace = read('natsNamespace', env.WATERSHED_NATS_NAMESPACE, '');
  const natsStream = read('natsStream', nonEmpty(env.WATERSHED_NATS_STREAM), DEFAULT_NATS_STREAM);
  const busTimeoutMs = read('busTimeoutMs', env.WATERSHED_BUS_TIMEOUT_MS, String(DEFAULT_BUS_TIMEOUT_MS));
  const logLevel = read('logLevel', overrides.logLevel ?? env.WATERSHED_LOG_LEVEL, 'info', overrides.logLevel === undefined ? undefined : 'log-level');
  const shutdownGraceMs = read('shutdownGraceMs', env.WATERSHED_SHUTDOWN_GRACE_MS, String(DEFAULT_SHUTDOWN_GRACE_MS));
  const instanceId = read('instanceId', nonEmpty(env.WATERSHED_INSTANCE_ID), `${os.hostname().replace(/[^A-Za-z0-9_.-]/g, '-')}-${process.pid}`);

  const cookieKeys = read('cookieKeys', nonEmpty(env.WATERSHED_COOKIE_KEYS));
  const contentDir = read('contentDir', nonEmpty(env.WATERSHED_CONTENT_DIR));
  const publicUrl = read('publicUrl', nonEmpty(env.WATERSHED_PUBLIC_URL));
  const adminTokens = read('adminTokens', nonEmpty(env.WATERSHED_ADMIN_TOKENS));
  const uploadMaxBytes = read('uploadMaxBytes', nonEmpty(env.WATERSHED_UPLOAD_MAX_BYTES), String(DEFAULT_UPLOAD_MAX_BYTES));

  const split = services !== undefined && services.length < SERVICE_NAMES.length;
  if (split && natsUrl === undefined && !problems.some((p) => p.setting === CONFIG_SETTINGS.natsUrl)) {
    problems.push({ setting: CONFIG_SETTINGS.natsUrl, message: 'required when running a subset of services (split mode): the services talk over NATS' });
  }
  if (split && databaseUrl === undefined && !problems.some((p) => p.setting === CONFIG_SETTINGS.databaseUrl)) {
    problems.push({ setting: CONFIG_SETTINGS.databaseUrl, message: 'required in split mode: the embedded store cannot be shared between processes' });
  }
  // Every gateway replica must open every cookie, so in split mode the key cannot be local.
  if (split && services!.includes('soap-gateway') && cookieKeys === undefined && !problems.some((p) => p.setting === CONFIG_SETTINGS.cookieKeys)) {
    problems.push({ setting: CONFIG_SETTINGS.cookieKeys, message: 'required for soap-gateway in split mode: every replica must open every cookie' });
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    port: port!,
    host: host!,
    services: services!,
    mode: split ? 'split' : 'all-in-one',
    store: databaseUrl ? { kind: 'postgres', url: databaseUrl } : { kind: 'pglite', dataDir: path.resolve(dataDir!) },
    dataDir: path.resolve(dataDir!),
    bus: natsUrl ? { kind: 'nats', url: natsUrl, namespace: natsNamespace!, streamName: natsStream! } : { kind: 'in-process' },
    busTimeoutMs: busTimeoutMs!,
    logLevel: logLevel!,
    shutdownGraceMs: shutdownGraceMs!,
    instanceId: instanceId!,
    cookieKeys: cookieKeys ?? null,
    contentDir: path.resolve(contentDir ?? path.join(dataDir!, 'content')),
    publicUrl: publicUrl ? publicUrl.replace(/\/$/, '') : null,
    adminTokens: adminTokens ?? [],
    uploadMaxBytes: uploadMaxBytes!,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
