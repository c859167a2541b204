import type { AdminOperation } from './admin-http.client.js';
import { CLEANUP_OPERATIONS } from './cleanup.command.js';
import { COMPUTERS_OPERATIONS } from './computers.command.js';
import { CONFIGURATION_OPERATIONS } from './configuration.command.js';
import { COOKIES_OPERATIONS } from './cookies.command.js';
import { GROUPS_OPERATIONS } from './groups.command.js';
import { REPORTS_OPERATIONS } from './reports.command.js';
import { RULES_OPERATIONS } from './rules.command.js';
import { SYNC_OPERATIONS } from './sync.command.js';
import { UPDATES_OPERATIONS } from './updates.command.js';
import { CATALOG_OPERATIONS } from './catalog.command.js';
import { CONTENT_OPERATIONS } from './content.command.js';

/**
 * Which `watershed` command covers which admin API operation. The CLI covers everything the API
 * does; test/e2e/cli-coverage.e2e.spec.ts boots the server, reads /api/openapi.json (built from the
 * routes actually served) and fails on every operation that is in none of the three lists below, and
 * on every entry that names an operation the server does not serve.
 *
 * Adding a route or a command:
 *   1. In the command's file (apps/watershed/src/admin/NAME.command.ts):
 *        export const NAME_OPERATIONS = ['GET /api/v1/things/{thingId}', …] as const satisfies readonly AdminOperation[];
 *        const call = adminCalls(NAME_OPERATIONS);
 *        … await call.json<Thing>(connection, 'GET /api/v1/things/{thingId}', { params: { thingId } });
 *      Spell operations as the OpenAPI document does (`{param}`, not `:param`). `call` accepts only the
 *      declared operations (a type error otherwise), and cli-coverage.spec.ts fails when a declared
 *      operation is never called in that file or a command file uses adminRequest directly.
 *   2. Add the command here, one line (a file's operations may also be added to an existing command).
 *   3. If the route is truly not for the CLI, list it in NOT_FOR_CLI with the reason instead.
 */
export const CLI_COVERAGE: Readonly<Record<string, readonly AdminOperation[]>> = {
  groups: GROUPS_OPERATIONS,
  computers: COMPUTERS_OPERATIONS,
  updates: [...UPDATES_OPERATIONS, ...CATALOG_OPERATIONS],
  content: CONTENT_OPERATIONS,
  rules: RULES_OPERATIONS,
  configuration: CONFIGURATION_OPERATIONS,
  cookies: COOKIES_OPERATIONS,
  sync: SYNC_OPERATIONS,
  reports: REPORTS_OPERATIONS,
  cleanup: CLEANUP_OPERATIONS,
};

/** Served admin operations no CLI command should call, each with the reason. None today. */
export const NOT_FOR_CLI: Readonly<Partial<Record<AdminOperation, string>>> = {};

/**
 * Served operations the CLI does not cover YET: a debt, not a decision. Each entry goes away when its
 * command lands (the coverage test fails if an operation is both here and covered).
 */
export const AWAITING_CLI_COMMAND: Readonly<Partial<Record<AdminOperation, string>>> = {};
