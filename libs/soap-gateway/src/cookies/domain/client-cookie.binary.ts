import type { ClientCookieState } from './cookie-payload.js';

/**
 * Cookie format 2: the client cookie's state in a fixed binary layout instead of JSON checked by the
 * zod schema (format 1). Every SyncUpdates call opens one client cookie and seals a new one; JSON,
 * zod, and base64/XML/Xpress over a 600-byte cookie showed in rescan profiles (docs/benchmarks.md).
 * The bytes are only ever read after the AES-GCM tag verified them, so this is our own data: the
 * checks below are the schema's bounds, kept so a bug cannot put out a cookie the schema refuses.
 *
 *   u8    flags: 1 groupIds present (not null), 2 lastSyncAnchor not null, 4 lastSyncAt not null,
 *               8 stateEpoch not null, 16 stateEpoch field present (cookies older than it lack it)
 *   24    issuedAt, expiresAt, configGeneration, each as `yyyy-mm-ddThh:mm:ss.sssZ` (ASCII)
 *   24    lastSyncAt (flag 4), stateEpoch (flag 8), the same way
 *   str   computerId, dnsName, protocolVersion, serverId; lastSyncAnchor (flag 2)
 *   u8    number of requestedGroupNames, then each as str
 *   u16   number of groupIds, then each as 16 bytes (flag 1)
 *   str = u16 byte length + UTF-8 bytes; nothing may follow the last field.
 *
 * Instants are kept as the ISO strings `Date.toISOString()` writes (as text: turning them into
 * numbers and back cost more than JSON); a state holding another instant form (another precision,
 * a year past 9999) or a string with an unpaired surrogate has no format-2 form and is sealed as
 * format 1 (`undefined` below).
 */
const GROUP_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PROTOCOL_VERSION = /^[0-9]+\.[0-9]+$/;
/** In a `u` regex a surrogate pair is one code point, so this finds only unpaired halves. */
const LONE_SURROGATE = /\p{Surrogate}/u;
const HAS_GROUP_IDS = 1;
const HAS_ANCHOR = 2;
const HAS_LAST_SYNC_AT = 4;
const HAS_STATE_EPOCH = 8;
const STATE_EPOCH_FIELD = 16;
const KNOWN_FLAGS = 31;
/** What toISOString writes for years 0-9999, with the field ranges the schema's datetime checks. */
const INSTANT = /^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\.[0-9]{3}Z$/;
const INSTANT_BYTES = 24;
const MAX_STRING_BYTES = 0xffff;

/** The format-2 bytes of a client cookie state, or undefined when the state has no exact format-2 form. */
export function encodeClientCookieState(state: ClientCookieState): Buffer | undefined {
  let flags = 0;
  if (state.groupIds !== null) flags |= HAS_GROUP_IDS;
  if (state.lastSyncAnchor !== null) flags |= HAS_ANCHOR;
  if (state.lastSyncAt !== null) flags |= HAS_LAST_SYNC_AT;
  if (state.stateEpoch !== undefined) flags |= STATE_EPOCH_FIELD;
  if (state.stateEpoch !== undefined && state.stateEpoch !== null) flags |= HAS_STATE_EPOCH;
  const names = state.requestedGroupNames;
  const groupIds = state.groupIds ?? [];
  if (names.length > 255 || groupIds.length > 0xffff) return undefined;
  let size = 1 + INSTANT_BYTES * (3 + (state.lastSyncAt !== null ? 1 : 0) + (flags & HAS_STATE_EPOCH ? 1 : 0)) + 1 + (state.groupIds !== null ? 2 + 16 * groupIds.length : 0);
  size += 2 + Buffer.byteLength(state.computerId) + 2 + Buffer.byteLength(state.dnsName) + 2 + Buffer.byteLength(state.protocolVersion) + 2 + Buffer.byteLength(state.serverId);
  if (state.lastSyncAnchor !== null) size += 2 + Buffer.byteLength(state.lastSyncAnchor);
  for (const name of names) size += 2 + Buffer.byteLength(name);

  const out = Buffer.allocUnsafe(size);
  let at = out.writeUInt8(flags, 0);
  const writeInstant = (instant: string): boolean => {
    if (!INSTANT.test(instant)) return false;
    at += out.write(instant, at, INSTANT_BYTES, 'latin1');
    return true;
  };
  const writeString = (value: string): boolean => {
    // UTF-8 cannot carry a lone surrogate (JSON can, escaped): such a state stays format 1.
    if (LONE_SURROGATE.test(value)) return false;
    const length = out.write(value, at + 2, 'utf8');
    if (length > MAX_STRING_BYTES) return false;
    out.writeUInt16BE(length, at);
    at += 2 + length;
    return true;
  };
  if (!writeInstant(state.issuedAt) || !writeInstant(state.expiresAt) || !writeInstant(state.configGeneration)) return undefined;
  if (state.lastSyncAt !== null && !writeInstant(state.lastSyncAt)) return undefined;
  if (state.stateEpoch !== undefined && state.stateEpoch !== null && !writeInstant(state.stateEpoch)) return undefined;
  if (!writeString(state.computerId) || !writeString(state.dnsName) || !writeString(state.protocolVersion) || !writeString(state.serverId)) return undefined;
  if (state.lastSyncAnchor !== null && !writeString(state.lastSyncAnchor)) return undefined;
  at = out.writeUInt8(names.length, at);
  for (const name of names) if (!writeString(name)) return undefined;
  if (state.groupIds !== null) {
    at = out.writeUInt16BE(groupIds.length, at);
    for (const id of groupIds) {
      if (!GROUP_ID.test(id)) return undefined;
      at += out.write(id.replace(/-/g, ''), at, 16, 'hex');
    }
  }
  return at === size ? out : undefined;
}

/** The state in format-2 bytes, or undefined when they are not a well-formed state within the schema's bounds. */
export function decodeClientCookieState(bytes: Uint8Array): ClientCookieState | undefined {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const need = (n: number): boolean => at + n <= data.length;
  const instant = (): string | undefined => {
    if (!need(INSTANT_BYTES)) return undefined;
    const value = data.toString('latin1', at, at + INSTANT_BYTES);
    at += INSTANT_BYTES;
    return INSTANT.test(value) ? value : undefined;
  };
  const string = (min: number, max: number): string | undefined => {
    if (!need(2)) return undefined;
    const length = data.readUInt16BE(at);
    at += 2;
    if (!need(length)) return undefined;
    const value = data.toString('utf8', at, at + length);
    at += length;
    return value.length >= min && value.length <= max ? value : undefined;
  };

  if (!need(1)) return undefined;
  const flags = data[at++]!;
  if ((flags & ~KNOWN_FLAGS) !== 0 || ((flags & HAS_STATE_EPOCH) !== 0 && (flags & STATE_EPOCH_FIELD) === 0)) return undefined;
  const issuedAt = instant();
  const expiresAt = instant();
  const configGeneration = instant();
  const lastSyncAt = flags & HAS_LAST_SYNC_AT ? instant() : null;
  const stateEpoch = flags & HAS_STATE_EPOCH ? instant() : null;
  const computerId = string(1, 255);
  const dnsName = string(0, 255);
  const protocolVersion = string(1, MAX_STRING_BYTES);
  const serverId = string(1, 64);
  const lastSyncAnchor = flags & HAS_ANCHOR ? string(0, 256) : null;
  if (
    issuedAt === undefined ||
    expiresAt === undefined ||
    configGeneration === undefined ||
    lastSyncAt === undefined ||
    stateEpoch === undefined ||
    computerId === undefined ||
    dnsName === undefined ||
    protocolVersion === undefined ||
    !PROTOCOL_VERSION.test(protocolVersion) ||
    serverId === undefined ||
    lastSyncAnchor === undefined ||
    !need(1)
  ) {
    return undefined;
  }
  const nameCount = data[at++]!;
  if (nameCount > 64) return undefined;
  const requestedGroupNames: string[] = [];
  for (let i = 0; i < nameCount; i += 1) {
    const name = string(1, 256);
    if (name === undefined) return undefined;
    requestedGroupNames.push(name);
  }
  let groupIds: string[] | null = null;
  if (flags & HAS_GROUP_IDS) {
    if (!need(2)) return undefined;
    const count = data.readUInt16BE(at);
    at += 2;
    if (count > 256 || !need(16 * count)) return undefined;
    groupIds = [];
    for (let i = 0; i < count; i += 1) {
      const hex = data.toString('hex', at, at + 16);
      at += 16;
      groupIds.push(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`);
    }
  }
  if (at !== data.length) return undefined;
  return {
    kind: 'client',
    computerId,
    dnsName,
    requestedGroupNames,
    groupIds,
    issuedAt,
    expiresAt,
    protocolVersion,
    configGeneration,
    serverId,
    lastSyncAnchor,
    lastSyncAt,
    ...(flags & STATE_EPOCH_FIELD ? { stateEpoch } : {}),
  };
}
