/** Resource bounds applied to every request before (and while) the XML is parsed. */
export interface SoapLimits {
  /** Largest accepted body in bytes (after any Content-Encoding has been undone by the transport). */
  readonly maxBodyBytes: number;
  /** Deepest element nesting, Envelope counted as 1. */
  readonly maxDepth: number;
  /** Total elements in the document. */
  readonly maxElements: number;
  /** Child elements of any single element: the generic bound on every array before decoders apply their own caps. */
  readonly maxChildrenPerElement: number;
}

/**
 * 8 MiB: the largest native request captured (the driver-pass SyncUpdates with 70 devices) is 46 KB and a
 * 3679-id OtherCachedUpdateIDs list (largest list WS2025 was seen accepting) is ~70 KB, so this leaves two
 * orders of magnitude of headroom while keeping a hostile body small enough to parse in memory.
 */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * 32: the deepest legitimate MS-WUSP request is 8 levels (Envelope/Body/SyncUpdates/parameters/SystemSpec/
 * Device/installedDriver/MatchingComputerHWID, or ReportEventBatch/.../BasicData/UpdateID/UpdateID); 32 is
 * generous yet keeps recursive tree building shallow.
 */
export const DEFAULT_MAX_DEPTH = 32;

/**
 * 250 000: a reporting rollup batch (MS-WSUSSS: up to 20 000 update statuses of ~4 elements each) is the
 * largest legitimate document shape; a flood of `<a/>` within 8 MiB could otherwise reach 2 million nodes.
 */
export const DEFAULT_MAX_ELEMENTS = 250_000;

/**
 * 50 000: above every list a client or downstream server sends (3679 cached ids observed; rollup batches
 * max 20 000); decoders apply the per-parameter protocol caps (e.g. 400 InstalledNonLeafUpdateIDs) after this.
 */
export const DEFAULT_MAX_CHILDREN_PER_ELEMENT = 50_000;

export const DEFAULT_SOAP_LIMITS: SoapLimits = Object.freeze({
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  maxDepth: DEFAULT_MAX_DEPTH,
  maxElements: DEFAULT_MAX_ELEMENTS,
  maxChildrenPerElement: DEFAULT_MAX_CHILDREN_PER_ELEMENT,
});
