import type { WatershedConfig } from '#platform';
import { WuspErrorCode } from '#wsus-codecs';
import { type WuspCallContext, WuspFault } from '../wusp-endpoint/wusp-operation.handler.js';

/** host, host:port, [v6]:port — nothing that could turn a URL into something else. */
const HOST_HEADER = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Base of every FileLocation URL: the configured public URL, else the scheme and Host header of the
 * request (what WS2025 does: the client reaches content where it reached the web service).
 * Shared by GetFileLocations and GetExtendedUpdateInfo(2).
 */
export function contentBaseUrl(config: Pick<WatershedConfig, 'publicUrl'>, context: Pick<WuspCallContext, 'host' | 'scheme'>): string {
  if (config.publicUrl !== null) return config.publicUrl;
  if (context.host === null || !HOST_HEADER.test(context.host)) throw new WuspFault(WuspErrorCode.InvalidParameters, 'Host');
  return `${context.scheme}://${context.host}`;
}
