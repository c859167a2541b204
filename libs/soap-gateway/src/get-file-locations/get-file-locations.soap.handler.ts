import { Inject, Injectable } from '@nestjs/common';
import { subject } from '#contracts';
import type { ServiceBus } from '#messaging';
import { SERVICE_BUS, WATERSHED_CONFIG, type WatershedConfig } from '#platform';
import { type FileLocation, type GetFileLocationsRequest, type GetFileLocationsResponse, WuspErrorCode } from '#wsus-codecs';
import { ClientCookies } from '../cookies/client-cookies.service.js';
import { type WuspCallContext, WuspFault, type WuspOperationHandler } from '../wusp-endpoint/wusp-operation.handler.js';
import { WuspOperationRegistry } from '../wusp-endpoint/wusp-operation.registry.js';
import { contentBaseUrl } from './content-base-url.js';

export const FILE_LOCATIONS_SUBJECT = subject('metadata', 'qry', 'file-locations');
/** Below the metadata store's per-query cap (5000); one client call may name more. */
const SHA1S_PER_QUERY = 1000;

export interface FileLocationAnswer {
  readonly sha1: string;
  readonly urlPath: string | null;
  readonly exists: boolean;
}

/**
 * Asks the metadata store where files live and turns the answers into FileLocations. Like WSUS, a
 * file not (yet) held still gets its URL; a digest no revision names has no URL and is left out.
 */
export async function lookUpFileLocations(bus: ServiceBus, baseUrl: string, digests: readonly Uint8Array[], correlationId: string): Promise<FileLocation[]> {
  const sha1s = [...new Set(digests.map((d) => Buffer.from(d).toString('base64')))];
  const out: FileLocation[] = [];
  for (let i = 0; i < sha1s.length; i += SHA1S_PER_QUERY) {
    const chunk = sha1s.slice(i, i + SHA1S_PER_QUERY);
    let answers: readonly FileLocationAnswer[];
    try {
      answers = await bus.request<readonly FileLocationAnswer[]>(FILE_LOCATIONS_SUBJECT, { sha1s: chunk }, { correlationId });
    } catch (error) {
      throw new WuspFault(WuspErrorCode.InternalServerError, '', { cause: error, diagnostic: 'metadata store did not answer file-locations' });
    }
    for (const answer of answers) {
      if (answer.urlPath === null || !chunk.includes(answer.sha1)) continue;
      out.push({ fileDigest: Buffer.from(answer.sha1, 'base64'), url: `${baseUrl}${answer.urlPath.startsWith('/') ? '' : '/'}${answer.urlPath}` });
    }
  }
  return out;
}

/** GetFileLocations (§3.1.5.10): digests were checked to be 20 bytes by the codec; NewCookie as the spec says. */
@Injectable()
export class GetFileLocationsSoapHandler implements WuspOperationHandler<'GetFileLocations'> {
  readonly operation = 'GetFileLocations' as const;

  constructor(
    @Inject(WuspOperationRegistry) registry: WuspOperationRegistry,
    @Inject(ClientCookies) private readonly cookies: ClientCookies,
    @Inject(SERVICE_BUS) private readonly bus: ServiceBus,
    @Inject(WATERSHED_CONFIG) private readonly config: WatershedConfig,
  ) {
    registry.registerDefault(this);
  }

  async handle(request: GetFileLocationsRequest, context: WuspCallContext): Promise<GetFileLocationsResponse> {
    const { state, server } = await this.cookies.open(request.cookie, context.now);
    const baseUrl = contentBaseUrl(server.contentBaseUrl, this.config, context);
    const fileLocations = await lookUpFileLocations(this.bus, baseUrl, request.fileDigests, context.correlationId);
    return { fileLocations, newCookie: this.cookies.renew(state) };
  }
}
