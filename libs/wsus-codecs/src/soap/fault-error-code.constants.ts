/**
 * Every `detail/ErrorCode` value of MS-WUSP §2.2.2.4 (wusp.md §3), spelled as in the spec's table.
 * The prose elsewhere says `FileLocationsChanged` (§3.1.5.10) and `InvalidParameter` (§3.1.5.9); clients
 * match the table spellings, so those variants are deliberately absent.
 */
export const WuspErrorCode = {
  /** Cookie cannot be decrypted: client re-handshakes (GetConfig, GetAuthorizationCookie, GetCookie, RefreshCache). */
  InvalidCookie: 'InvalidCookie',
  /** Server configuration changed since the client's GetConfig: client repeats the authorization phase. */
  ConfigChanged: 'ConfigChanged',
  /** Client must call RegisterComputer before SyncUpdates. */
  RegistrationRequired: 'RegistrationRequired',
  /** Server identity/state changed: client discards its cookie and re-handshakes incl. RefreshCache. */
  ServerChanged: 'ServerChanged',
  /** Retryable server-side failure. */
  InternalServerError: 'InternalServerError',
  /** Decryptable but expired cookie: client renews via GetAuthorizationCookie + GetCookie. */
  CookieExpired: 'CookieExpired',
  /** Bad request parameters; `Message` names the parameter (e.g. `parameters.InstalledNonLeafUpdateIDs`). */
  InvalidParameters: 'InvalidParameters',
  /** GetCookie got an unusable authorization cookie. */
  InvalidAuthorizationCookie: 'InvalidAuthorizationCookie',
  /** RegisterComputer called although GetConfig said IsRegistrationRequired=false. */
  RegistrationNotRequired: 'RegistrationNotRequired',
  /** Retryable overload. */
  ServerBusy: 'ServerBusy',
  /** Client should call GetFileLocations for fresh URLs. */
  FileLocationChanged: 'FileLocationChanged',
} as const;

export type WuspErrorCode = (typeof WuspErrorCode)[keyof typeof WuspErrorCode];

export const WUSP_ERROR_CODES: readonly WuspErrorCode[] = Object.values(WuspErrorCode);

/**
 * SOAP 1.1 `faultcode` local part. WS2025 sends `Client` for every code except InternalServerError,
 * which goes out as `Server` (observed-interop.md A.1); ServerBusy is also a server-side condition, so it
 * gets `Server` too (our choice, not observed).
 */
export type SoapFaultCode = 'Client' | 'Server' | 'VersionMismatch' | 'MustUnderstand';

export function defaultFaultCode(errorCode: WuspErrorCode): SoapFaultCode {
  return errorCode === WuspErrorCode.InternalServerError || errorCode === WuspErrorCode.ServerBusy ? 'Server' : 'Client';
}
