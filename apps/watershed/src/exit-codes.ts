/** Documented in the README ("CLI exit codes"); scripts rely on them, so never renumber. */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  InvalidConfiguration: 3,
  Unavailable: 4,
  /** The server refused the request (HTTP 4xx: invalid, not found, conflict, precondition). */
  Refused: 5,
  /** The admin token is missing from the server's list (HTTP 401). */
  Unauthorized: 6,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
  }
}
