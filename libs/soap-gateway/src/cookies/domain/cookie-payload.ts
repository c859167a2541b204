import { z } from 'zod';

/**
 * 1 hour: what Windows Server 2025 WSUS gives a cookie (observed-interop.md A.2); SyncUpdates'
 * NewCookies keep the expiry of the cookie they renew, so a scan cannot extend its cookie forever.
 */
export const CLIENT_COOKIE_LIFETIME_MS = 60 * 60 * 1000;
/** The authorization cookie is only good for the GetCookie call that follows it; same hour. */
export const AUTHORIZATION_COOKIE_LIFETIME_MS = 60 * 60 * 1000;

const isoInstant = z.string().datetime({ offset: false });
const groupName = z.string().min(1).max(256);
const groupId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

/** What GetAuthorizationCookie seals and GetCookie reads back. */
export const AuthorizationCookieState = z
  .object({
    kind: z.literal('authorization'),
    computerId: z.string().min(1).max(255),
    dnsName: z.string().max(255),
    /** targetGroupName as the client sent it, split on ';' (client-side targeting). */
    requestedGroupNames: z.array(groupName).max(64),
    /** Resolved by the deployment service in client-side targeting mode; null in server-side mode. */
    groupIds: z.array(groupId).max(256).nullable(),
    issuedAt: isoInstant,
    expiresAt: isoInstant,
    /** Configuration generation (GetConfig LastChange) when it was issued. */
    configGeneration: isoInstant,
    serverId: z.string().min(1).max(64),
  })
  .strict();
export type AuthorizationCookieState = z.infer<typeof AuthorizationCookieState>;

/**
 * What Cookie.EncryptedData carries (MS-WUSP §2.2.3.5: client id, target groups, expiry, client
 * protocol version, last sync time, server identity; §3.1.5.4: configuration lastChange).
 * `lastSyncAnchor`/`lastSyncAt` belong to SyncUpdates: it reads them and hands back updated values in
 * the NewCookie it issues (ClientCookies.renew).
 */
export const ClientCookieState = z
  .object({
    kind: z.literal('client'),
    computerId: z.string().min(1).max(255),
    dnsName: z.string().max(255),
    requestedGroupNames: z.array(groupName).max(64),
    /** Null: server-side targeting, membership comes from the log. */
    groupIds: z.array(groupId).max(256).nullable(),
    issuedAt: isoInstant,
    expiresAt: isoInstant,
    /** GetCookie protocolVersion, e.g. "2.90" (gates which SyncUpdates fields may be sent). */
    protocolVersion: z.string().regex(/^[0-9]+\.[0-9]+$/),
    configGeneration: isoInstant,
    serverId: z.string().min(1).max(64),
    /** Log anchor of the client's last completed sync (the ChangedUpdates watermark); null before the first. */
    lastSyncAnchor: z.string().max(256).nullable(),
    lastSyncAt: isoInstant.nullable(),
    /**
     * Time of the latest ClientStateReset when the cookie was issued (null: none). A cookie older
     * than the current one gets ServerChanged. Absent in cookies sealed before the field existed.
     */
    stateEpoch: isoInstant.nullable().optional(),
  })
  .strict();
export type ClientCookieState = z.infer<typeof ClientCookieState>;

/** Parse authenticated plaintext; a shape mismatch means a bug or an old format, never trusted data. */
export function parseCookieState<T>(schema: z.ZodType<T>, plaintext: Buffer): T | undefined {
  let json: unknown;
  try {
    json = JSON.parse(plaintext.toString('utf8'));
  } catch {
    return undefined;
  }
  const result = schema.safeParse(json);
  return result.success ? result.data : undefined;
}
