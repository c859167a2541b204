import { subject } from '#contracts';

/**
 * The two metadata-store queries the gateway calls, as the metadata store defines them
 * (libs/metadata-store/src/metadata-store.api.ts). Mirrored here because a service lib never
 * imports another: these shapes belong in #contracts (metadata/) once both sides settle.
 */
export const METADATA_FRAGMENTS_SUBJECT = subject('metadata', 'qry', 'fragments');
export const METADATA_FILE_LOCATIONS_SUBJECT = subject('metadata', 'qry', 'file-locations');

export type StoredFragmentKind = 'Core' | 'Extended' | 'LocalizedProperties' | 'Eula';

export interface FragmentsQuery {
  readonly revisionIds: readonly number[];
  readonly kinds: readonly StoredFragmentKind[];
  /** Client locales in preference order; the store picks LocalizedProperties/Eula with fallback. */
  readonly locales: readonly string[];
}

export interface StoredFragment {
  readonly kind: StoredFragmentKind;
  readonly locale: string | null;
  readonly geoId: string | null;
  readonly xml: string;
}

export interface RevisionFragments {
  readonly revisionId: number;
  readonly fragments: readonly StoredFragment[];
}

export interface FileLocationAnswer {
  readonly sha1: string;
  /** `/Content/XX/HEX.ext`; null when no revision names the file. */
  readonly urlPath: string | null;
  readonly size: number | null;
  readonly exists: boolean;
  readonly fileName: string | null;
  readonly sha256: string | null;
}

/** What GetExtendedUpdateInfo needs from the metadata store; the bus implementation is below, tests use an in-memory one. */
export interface MetadataStoreClient {
  /** Revisions in request order; unknown ids left out. */
  fragments(query: FragmentsQuery, correlationId?: string): Promise<readonly RevisionFragments[]>;
  fileLocations(sha1s: readonly string[], correlationId?: string): Promise<readonly FileLocationAnswer[]>;
}

/** The part of ServiceBus used here (structural, so this file needs no #messaging import). */
export interface BusRequester {
  request<TResponse, TPayload = unknown>(subject: string, payload: TPayload, options?: { timeoutMs?: number; correlationId?: string }): Promise<TResponse>;
}

export function busMetadataStoreClient(bus: BusRequester, timeoutMs?: number): MetadataStoreClient {
  const options = (correlationId?: string) => ({ ...(timeoutMs === undefined ? {} : { timeoutMs }), ...(correlationId === undefined ? {} : { correlationId }) });
  return {
    fragments: (query, correlationId) => bus.request<readonly RevisionFragments[]>(METADATA_FRAGMENTS_SUBJECT, query, options(correlationId)),
    fileLocations: (sha1s, correlationId) => bus.request<readonly FileLocationAnswer[]>(METADATA_FILE_LOCATIONS_SUBJECT, { sha1s }, options(correlationId)),
  };
}
