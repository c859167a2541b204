import { Inject, Injectable } from '@nestjs/common';
import type { ZodType } from 'zod';
import { type Cookie, type CookieOut, WuspErrorCode } from '#wsus-codecs';
import { WuspFault } from '../wusp-endpoint/wusp-operation.handler.js';
import { ServerConfigurationView, type ServerConfigurationSnapshot } from '../server-state/server-configuration.view.js';
import { COOKIE_FORMAT_BINARY_CLIENT, COOKIE_FORMAT_JSON, CookieOpenError, CookieSealer, type CookiePurpose } from './cookie-sealer.js';
import { decodeClientCookieState, encodeClientCookieState } from './domain/client-cookie.binary.js';
import {
  AUTHORIZATION_COOKIE_LIFETIME_MS,
  AuthorizationCookieState,
  CLIENT_COOKIE_LIFETIME_MS,
  ClientCookieState,
  parseCookieState,
} from './domain/cookie-payload.js';
import { type CookieCheckOptions, checkClientCookie, formatCookieExpiration } from './domain/cookie-validation.js';

export type { AuthorizationCookieState, ClientCookieState } from './domain/cookie-payload.js';

/** A validated client cookie and the server view it was checked against. */
export interface OpenedClientCookie {
  readonly state: ClientCookieState;
  readonly server: ServerConfigurationSnapshot;
}

/**
 * Issues and validates the cookies of MS-WUSP (§2.2.3.4, §2.2.3.5). Stateless: everything is in the
 * sealed cookie, so any gateway sharing the keys and the log validates any cookie.
 *
 * Refusals, as the spec's ErrorCodes: cannot open (bad tag, unknown key, garbage, other format
 * version, malformed plaintext) → InvalidCookie; other installation → ServerChanged; expired →
 * CookieExpired; configuration changed (when asked to check) → ConfigChanged.
 */
@Injectable()
export class ClientCookies {
  constructor(
    @Inject(CookieSealer) private readonly sealer: CookieSealer,
    @Inject(ServerConfigurationView) private readonly configuration: ServerConfigurationView,
  ) {}

  // ------------------------------------------------------------------ authorization cookies

  async issueAuthorization(
    input: { computerId: string; dnsName: string; requestedGroupNames: readonly string[]; groupIds: readonly string[] | null },
    now: Date,
  ): Promise<Uint8Array> {
    const server = await this.configuration.snapshot();
    const state: AuthorizationCookieState = {
      kind: 'authorization',
      computerId: input.computerId,
      dnsName: input.dnsName,
      requestedGroupNames: [...input.requestedGroupNames],
      groupIds: input.groupIds === null ? null : [...input.groupIds],
      issuedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + AUTHORIZATION_COOKIE_LIFETIME_MS).toISOString(),
      configGeneration: server.configGeneration.toISOString(),
      serverId: server.serverId,
    };
    return this.seal('authorization', state);
  }

  /**
   * GetCookie's authCookies entry. Every way it can be unusable — forged, from another server,
   * expired — is InvalidAuthorizationCookie, the code §3.1.5.4 gives for that parameter; the client
   * answers it by calling GetAuthorizationCookie again.
   */
  async openAuthorization(data: Uint8Array, now: Date): Promise<AuthorizationCookieState> {
    const state = this.openSealed('authorization', data, AuthorizationCookieState, WuspErrorCode.InvalidAuthorizationCookie, 'authCookies');
    const server = await this.configuration.snapshot();
    if (state.serverId !== server.serverId || Date.parse(state.expiresAt) <= now.getTime()) {
      throw new WuspFault(WuspErrorCode.InvalidAuthorizationCookie, 'authCookies', { diagnostic: 'authorization cookie expired or from another server' });
    }
    return state;
  }

  // ------------------------------------------------------------------ client cookies

  /** A new cookie for GetCookie: one hour from now. */
  async issue(
    input: Omit<ClientCookieState, 'kind' | 'issuedAt' | 'expiresAt' | 'configGeneration' | 'serverId' | 'stateEpoch'>,
    now: Date,
  ): Promise<{ cookie: CookieOut; state: ClientCookieState }> {
    const server = await this.configuration.snapshot();
    const state: ClientCookieState = {
      kind: 'client',
      ...input,
      requestedGroupNames: [...input.requestedGroupNames],
      groupIds: input.groupIds === null ? null : [...input.groupIds],
      issuedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + CLIENT_COOKIE_LIFETIME_MS).toISOString(),
      configGeneration: server.configGeneration.toISOString(),
      serverId: server.serverId,
      stateEpoch: server.clientStateEpoch?.toISOString() ?? null,
    };
    return { cookie: this.toWire(state), state };
  }

  /**
   * Opens and checks a client cookie (the `cookie` parameter of every call after GetCookie).
   * SyncUpdates and SyncPrinterCatalog pass `checkConfiguration: true` (§3.1.5.7 step 1).
   */
  async open(cookie: Cookie, now: Date, options: CookieCheckOptions = {}): Promise<OpenedClientCookie> {
    if (cookie.encryptedData === undefined) throw new WuspFault(WuspErrorCode.InvalidCookie, 'cookie', { diagnostic: 'cookie without EncryptedData' });
    const state = this.openSealed('client', cookie.encryptedData, ClientCookieState, WuspErrorCode.InvalidCookie, 'cookie', decodeClientCookieState);
    const server = await this.configuration.snapshot();
    const outcome = checkClientCookie(state, { now, serverId: server.serverId, configGeneration: server.configGeneration, clientStateEpoch: server.clientStateEpoch }, options);
    if (outcome !== 'ok') throw new WuspFault(WuspErrorCode[outcome], '', { diagnostic: `cookie refused: ${outcome}` });
    return { state, server };
  }

  /**
   * A NewCookie carrying `state` with `changes` applied (e.g. SyncUpdates' lastSyncAnchor/lastSyncAt).
   * Identity, groups, server and expiry are kept: WSUS's NewCookies keep the original Expiration.
   */
  renew(state: ClientCookieState, changes: Partial<Pick<ClientCookieState, 'lastSyncAnchor' | 'lastSyncAt'>> = {}): CookieOut {
    return this.toWire({ ...state, ...changes });
  }

  // ------------------------------------------------------------------ helpers

  private toWire(state: ClientCookieState): CookieOut {
    // Format 2 (binary) when the state has an exact binary form, which is always for the states
    // this class builds; format 1 (JSON) otherwise, which every gateway still opens.
    const binary = encodeClientCookieState(state);
    const encryptedData = binary !== undefined ? this.sealer.seal('client', binary, COOKIE_FORMAT_BINARY_CLIENT) : this.seal('client', state);
    return { expiration: formatCookieExpiration(new Date(state.expiresAt)), encryptedData };
  }

  private seal(purpose: CookiePurpose, state: object): Uint8Array {
    return this.sealer.seal(purpose, Buffer.from(JSON.stringify(state), 'utf8'), COOKIE_FORMAT_JSON);
  }

  private openSealed<T>(
    purpose: CookiePurpose,
    data: Uint8Array,
    schema: ZodType<T>,
    errorCode: WuspErrorCode,
    parameter: string,
    decodeBinary?: (plaintext: Uint8Array) => T | undefined,
  ): T {
    let opened: { format: number; plaintext: Buffer };
    try {
      opened = this.sealer.openWithFormat(purpose, data);
    } catch (error) {
      if (error instanceof CookieOpenError) throw new WuspFault(errorCode, parameter, { cause: error, diagnostic: error.message });
      throw error;
    }
    // Authenticated from here on; the schema (format 1) and the layout's bounds (format 2) still
    // guard against our own older formats and bugs. Format 2 is a client cookie's layout only.
    const state =
      opened.format === COOKIE_FORMAT_JSON
        ? parseCookieState(schema, opened.plaintext)
        : opened.format === COOKIE_FORMAT_BINARY_CLIENT && decodeBinary !== undefined
          ? decodeBinary(opened.plaintext)
          : undefined;
    if (state === undefined) throw new WuspFault(errorCode, parameter, { diagnostic: 'authenticated cookie with an unknown payload shape' });
    return state;
  }
}
