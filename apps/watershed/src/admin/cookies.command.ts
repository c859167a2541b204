import { CliError, ExitCode } from '../exit-codes.js';
import { adminCalls, adminConnection, type AdminOperation } from './admin-http.client.js';
import { printResult } from './output.js';

export const COOKIES_USAGE = `watershed cookies reset [--reason TEXT]

  reset                every client cookie issued before now is refused with ServerChanged: clients
                       re-handshake and re-map their cached updates (RefreshCache), then rescan.
                       Run it after restoring the store from a backup (as wsusutil reset after a
                       WSUS database restore). Cookie keys are not touched; to replace a key, see
                       WATERSHED_COOKIE_KEYS in the README.
    --reason           recorded with the reset (default: "client state reset by an administrator")
  Common: --server URL (WATERSHED_SERVER), --token T (WATERSHED_TOKEN), --json`;

/** The admin API operations `watershed cookies` calls (checked against /api/openapi.json: cli-coverage.ts). */
export const COOKIES_OPERATIONS = ['POST /api/v1/configuration/client-state-reset'] as const satisfies readonly AdminOperation[];
const call = adminCalls(COOKIES_OPERATIONS);

type Flags = Record<string, string | boolean | undefined>;

export async function cookiesCommand(positionals: string[], flags: Flags): Promise<void> {
  const [action, ...extra] = positionals;
  if (action !== 'reset' || extra.length > 0) throw new CliError(ExitCode.Usage, `unknown cookies action ${JSON.stringify(positionals.join(' '))}\n\n${COOKIES_USAGE}`);
  const body = typeof flags.reason === 'string' ? { reason: flags.reason } : {};
  const { body: result } = await call.json<{ resetAt: string; reason: string }>(adminConnection(flags), 'POST /api/v1/configuration/client-state-reset', { body });
  printResult(flags.json === true, result, { headers: ['RESET AT', 'REASON'], rows: [[result.resetAt, result.reason]] });
}
