/**
 * The coded errors this service throws (CodedError from #contracts). Callers on the other side of
 * the bus switch on these strings; the HTTP/SOAP edges map them to statuses and faults.
 */
export const MetadataErrorCodes = {
  /** The XML is not an update document we can read; the message names what is wrong. */
  InvalidDocument: 'UPDATE.INVALID_DOCUMENT',
  /** (UpdateID, RevisionNumber) is already in the catalog with a different document. */
  RevisionConflict: 'UPDATE.REVISION_CONFLICT',
  /** No such update or revision. */
  NotFound: 'UPDATE.NOT_FOUND',
  /** A file's bytes do not hash to the digest the update metadata declares. */
  DigestMismatch: 'CONTENT.DIGEST_MISMATCH',
  /** A file's length differs from the Size the update metadata declares. */
  SizeMismatch: 'CONTENT.SIZE_MISMATCH',
  /** Bytes were supplied for a file the document does not list. */
  UnknownFile: 'CONTENT.UNKNOWN_FILE',
  /** A file given by path could not be read. */
  Unreadable: 'CONTENT.UNREADABLE',
} as const;
