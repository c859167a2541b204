import { ErrorCodes } from '#contracts';
import type { ExpectedVersion } from './append/expected-version.js';

export class StreamVersionConflictError extends Error {
  readonly code = ErrorCodes.StreamVersionConflict;
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    /** The stream's version when the append was refused; null when the stream does not exist. */
    readonly actual: bigint | null,
  ) {
    super(
      `stream ${streamId}: expected version ${String(expected)}, ` +
        `but it is ${actual === null ? 'absent' : actual.toString()}`,
    );
  }
}

/** Another writer committed an event with one of these message ids between our check and our insert. */
export class DuplicateMessageError extends Error {
  readonly code = 'STREAM.DUPLICATE_MESSAGE';
  constructor(readonly streamId: string) {
    super(`stream ${streamId}: an event with the same messageId was appended concurrently`);
  }
}

export class UnknownWireCheckpointError extends Error {
  readonly code = ErrorCodes.AnchorInvalid;
  constructor(readonly checkpoint: number) {
    super(`no such checkpoint: ${checkpoint}`);
  }
}
