/**
 * Usage texts of the commands that open the store or start the server. They live apart from the
 * commands so that `watershed help` and the admin commands load none of NestJS, PGlite or the
 * services: the CLI imports those commands only when they run (see cli.ts).
 */
export const SERVE_USAGE = `watershed serve [--services LIST] [--port N] [--host ADDR] [--data-dir DIR] [--log-level LEVEL]

  Runs the server. With no --services (or "all") every service runs in this process
  (all-in-one, embedded store under --data-dir unless DATABASE_URL is set). With a subset,
  this process runs only those services (split mode; needs DATABASE_URL and NATS_URL).
  Services: soap-gateway, metadata-store, deployment, reporting, sync-worker.`;

export const EVENTS_USAGE = `watershed events [--after ANCHOR] [--limit N] [--type TYPE] [--stream-prefix P] [--json]

  Prints events from the log, oldest first: the audit trail of everything the server was told
  and saw. With the embedded store, run it while the server is stopped (PGlite has one owner).`;

export const TOKENS_USAGE = `watershed tokens create --name NAME | list | revoke TOKEN_ID   [--data-dir DIR] [--json]

  Admin API tokens, kept in the event log (only their SHA-256). "create" prints the new token
  once. Works on the store directly: with the embedded store, run it while the server is stopped;
  on PostgreSQL (DATABASE_URL) at any time — running servers pick changes up within a second.`;

export const CONFIG_USAGE = `watershed config check

  Validates the configuration from the environment and prints the effective settings
  (secrets hidden). Exit code 3 and one line per problem when it is invalid.`;
