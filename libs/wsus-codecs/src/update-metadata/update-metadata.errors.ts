/**
 * Error raised for any document the reader refuses. `code` is stable and machine-readable (house
 * style: errors crossing a process carry a string code); `path` names the offending node in the
 * unqualified XPath form MS-WUSP §3.1.1.1 uses; `offset` is the character offset for XML-level errors.
 */
export type UpdateMetadataErrorCode =
  /** Not well-formed XML (or uses a construct we refuse, e.g. a DTD). */
  | 'UPDATE_METADATA.MALFORMED_XML'
  /** A size/depth/attribute-count bound was exceeded. */
  | 'UPDATE_METADATA.LIMIT_EXCEEDED'
  /** Well-formed XML, but the root is not `{…/2002/12/Update}Update`. */
  | 'UPDATE_METADATA.NOT_AN_UPDATE'
  /** A required element or attribute is absent. */
  | 'UPDATE_METADATA.MISSING'
  /** An element that may appear once appears again. */
  | 'UPDATE_METADATA.DUPLICATE'
  /** An attribute or text value does not have the required form (GUID, integer, boolean, base64…). */
  | 'UPDATE_METADATA.INVALID_VALUE';

export class UpdateMetadataError extends Error {
  override readonly name = 'UpdateMetadataError';

  constructor(
    readonly code: UpdateMetadataErrorCode,
    message: string,
    readonly path?: string,
    readonly offset?: number,
  ) {
    super(
      `${code}: ${message}${path === undefined ? '' : ` at ${path}`}${offset === undefined ? '' : ` (offset ${offset})`}`,
    );
  }
}

export function isUpdateMetadataError(error: unknown): error is UpdateMetadataError {
  return error instanceof UpdateMetadataError;
}
