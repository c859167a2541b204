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
  /** An upload is larger than WATERSHED_UPLOAD_MAX_BYTES (HTTP 413). */
  TooLarge: 'CONTENT.TOO_LARGE',
  /** An upload's body is not application/octet-stream (HTTP 415). */
  UnsupportedMediaType: 'CONTENT.UNSUPPORTED_MEDIA_TYPE',
  /** The client went away or stalled before the end of an upload; nothing was stored. */
  UploadAborted: 'CONTENT.UPLOAD_ABORTED',
  /** A publish or import names a SHA-256 that was never uploaded (or was deleted). */
  NotUploaded: 'CONTENT.NOT_UPLOADED',
  /** No upload with that SHA-256 (GET/DELETE /api/v1/content/{sha256}). */
  ContentNotFound: 'CONTENT.NOT_FOUND',
  /** The upload is part of a revision in the catalog and cannot be deleted. */
  InUse: 'CONTENT.IN_USE',
} as const;
