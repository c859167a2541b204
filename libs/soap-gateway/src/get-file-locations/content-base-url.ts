import type { WatershedConfig } from '#platform';
import { WuspErrorCode } from '#wsus-codecs';
import { type WuspCallContext, WuspFault } from '../wusp-endpoint/wusp-operation.handler.js';

/** host, host:port, [v6]:port — nothing that could turn a URL into something else. */
const HOST_HEADER = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Base of every FileLocation URL, first of:
 * 1. the server configuration's content base URL (`watershed configuration set --content-url`), the
 *    administrator's choice, stored as an event and the same on every gateway;
 * 2. `WATERSHED_PUBLIC_URL`, the deployment's fallback (e.g. the ingress name in a Helm install);
 * 3. the scheme and Host header of the request (what WS2025 does: the client reaches content where
 *    it reached the web service).
 * Shared by GetFileLocations and GetExtendedUpdateInfo(2).
 */
export function contentBaseUrl(
  configured: string | null,
  config: Pick<WatershedConfig, 'publicUrl'>,
  context: Pick<WuspCallContext, 'host' | 'scheme'>,
): string {
  if (configured !== null) return configured;
  if (config.publicUrl !== null) return config.publicUrl;
  if (context.host === null || !HOST_HEADER.test(context.host)) throw new WuspFault(WuspErrorCode.InvalidParameters, 'Host');
  return `${context.scheme}://${context.host}`;
}
