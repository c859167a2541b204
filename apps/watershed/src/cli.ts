import { parseArgs } from 'node:util';
import { ConfigError, WATERSHED_VERSION } from '#platform/config';
import { CONFIG_USAGE, EVENTS_USAGE, SERVE_USAGE, TOKENS_USAGE } from './commands/usage.js';
import { CliError, ExitCode } from './exit-codes.js';
import { COMPUTERS_USAGE, computersCommand } from './admin/computers.command.js';
import { CONFIGURATION_USAGE, configurationCommand } from './admin/configuration.command.js';
import { COOKIES_USAGE, cookiesCommand } from './admin/cookies.command.js';
import { REPORTS_USAGE, reportsCommand } from './admin/reports.command.js';
import { RULES_USAGE, rulesCommand } from './admin/rules.command.js';
import { GROUPS_USAGE, groupsCommand } from './admin/groups.command.js';
import { UPDATES_USAGE, updatesCommand } from './admin/updates.command.js';
import { SYNC_USAGE, syncCommand } from './admin/sync.command.js';
import { CONTENT_USAGE, contentCommand } from './admin/content.command.js';
import { importCommand, publishCommand } from './admin/catalog.command.js';
import { CLEANUP_USAGE, cleanupCommand } from './admin/cleanup.command.js';

const USAGE = `watershed ${WATERSHED_VERSION} — an update server that speaks the WSUS protocols

Usage:
  ${SERVE_USAGE.split('\n')[0]}
  ${EVENTS_USAGE.split('\n')[0]}
  ${TOKENS_USAGE.split('\n')[0]}
  ${CONFIG_USAGE.split('\n')[0]}
  ${GROUPS_USAGE.split('\n')[0]}
  ${UPDATES_USAGE.split('\n')[0]}
  ${COMPUTERS_USAGE.split('\n')[0]}
  ${CONFIGURATION_USAGE.split('\n')[0]}
  ${RULES_USAGE.split('\n')[0]}
  ${SYNC_USAGE.split('\n')[0]}
  ${REPORTS_USAGE.split('\n')[0]}
  ${COOKIES_USAGE.split('\n')[0]}
  ${CONTENT_USAGE.split('\n')[0]}
  ${CLEANUP_USAGE.split('\n')[0]}
  watershed version
  watershed help [COMMAND]

Exit codes: 0 ok, 1 failure, 2 usage error, 3 invalid configuration, 4 store, bus or server
unavailable, 5 refused by the server (invalid, not found, conflict), 6 admin token not accepted.
Configuration comes from the environment; see README.md, "Configuration".`;

const HELP: Record<string, string> = {
  serve: SERVE_USAGE,
  events: EVENTS_USAGE,
  tokens: TOKENS_USAGE,
  config: CONFIG_USAGE,
  groups: GROUPS_USAGE,
  updates: UPDATES_USAGE,
  computers: COMPUTERS_USAGE,
  configuration: CONFIGURATION_USAGE,
  rules: RULES_USAGE,
  sync: SYNC_USAGE,
  reports: REPORTS_USAGE,
  cookies: COOKIES_USAGE,
  content: CONTENT_USAGE,
  cleanup: CLEANUP_USAGE,
};
const ADMIN_FLAGS = { server: 'string', token: 'string', json: 'boolean' } as const;
/** Reports that can be exported: CSV instead of a table, to a file instead of stdout. */
const EXPORT_FLAGS = { csv: 'boolean', output: 'string' } as const;

/** Runs one CLI invocation; returns the exit code (serve never returns). */
export async function runCli(argv: readonly string[]): Promise<ExitCode> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve': {
        // The server and the store commands are imported when they run: loading NestJS, PGlite and
        // every service costs seconds, which `watershed groups list` should not pay.
        const { serveCommand } = await import('./commands/serve.command.js');
        return await serveCommand(parseFlags(rest, { services: 'string', port: 'string', host: 'string', 'data-dir': 'string', 'log-level': 'string' }));
      }
      case 'events': {
        const { eventsCommand } = await import('./commands/events.command.js');
        await eventsCommand(parseFlags(rest, { after: 'string', limit: 'string', type: 'string', 'stream-prefix': 'string', 'data-dir': 'string', json: 'boolean' }));
        return ExitCode.Ok;
      }
      case 'config': {
        if (rest[0] !== 'check') throw new CliError(ExitCode.Usage, `unknown config subcommand ${JSON.stringify(rest[0] ?? '')}\n\n${CONFIG_USAGE}`);
        const { configCheckCommand } = await import('./commands/config.command.js');
        configCheckCommand();
        return ExitCode.Ok;
      }
      case 'groups': {
        const { positionals, values } = parseCommand(rest, { ...ADMIN_FLAGS, parent: 'string', 'if-match': 'string', 'move-members': 'boolean' });
        await groupsCommand(positionals, values);
        return ExitCode.Ok;
      }
      case 'updates': {
        if (rest[0] === 'publish') {
          const { values } = parseCommand(rest.slice(1), { ...ADMIN_FLAGS, metadata: 'string', file: 'string[]', eula: 'string[]', 'eula-id': 'string' }, false);
          await publishCommand(values);
          return ExitCode.Ok;
        }
        if (rest[0] === 'import') {
          const { positionals, values } = parseCommand(rest.slice(1), { ...ADMIN_FLAGS, content: 'string', source: 'string', 'all-or-nothing': 'boolean' });
          await importCommand(positionals, values);
          return ExitCode.Ok;
        }
        const { positionals, values } = parseCommand(rest, {
          ...ADMIN_FLAGS, group: 'string', action: 'string', deadline: 'string', revision: 'string', 'accept-eula': 'boolean', locale: 'string',
        });
        await updatesCommand(positionals, values);
        return ExitCode.Ok;
      }
      case 'sync': {
        const { positionals, values } = parseCommand(rest, { ...ADMIN_FLAGS, ...EXPORT_FLAGS, limit: 'string', source: 'string', result: 'string' });
        await syncCommand(positionals, values);
        return ExitCode.Ok;
      }
      case 'reports': {
        const { positionals, values } = parseCommand(rest, {
          ...ADMIN_FLAGS, ...EXPORT_FLAGS, group: 'string', search: 'string', limit: 'string', after: 'string', all: 'boolean', 'by-group': 'boolean',
        });
        await reportsCommand(positionals, values);
        return ExitCode.Ok;
      }
      case 'content': {
        const { positionals, values } = parseCommand(rest, { ...ADMIN_FLAGS });
        await contentCommand(positionals, values);
        return ExitCode.Ok;
      }
      case 'computers': {
        const { positionals, values } = parseCommand(rest, { ...ADMIN_FLAGS, set: 'string' });
        await computersCommand(positionals, values);
        return ExitCode.Ok;
      }
      case 'configuration': {
        const { positionals, values } = parseCommand(rest, {
          ...ADMIN_FLAGS, role: 'string', upstream: 'string', sync: 'string', 'random-offset': 'string', rollup: 'string', products: 'string',
          classifications: 'string', languages: 'string', 'content-mode': 'string', 'content-url': 'string', 'targeting-mode': 'string', 'if-match': 'string',
          'page-size': 'string', unapproved: 'string', 'cleanup-schedule': 'string', 'superseded-days': 'string', 'declined-days': 'string',
          'stale-computer-days': 'string', 'report-event-days': 'string',
        });
        await configurationCommand(positionals, values);
        return ExitCode.Ok;
      }
      case 'cleanup': {
        const { positionals, values } = parseCommand(rest, { ...ADMIN_FLAGS, 'dry-run': 'boolean' });
        await cleanupCommand(positionals, values);
        return ExitCode.Ok;
      }
      case 'cookies': {
        const { positionals, values } = parseCommand(rest, { ...ADMIN_FLAGS, reason: 'string' });
        await cookiesCommand(positionals, values);
        return ExitCode.Ok;
      }
      case 'rules': {
        const { positionals, values } = parseCommand(rest, {
          ...ADMIN_FLAGS, name: 'string', groups: 'string', classifications: 'string', products: 'string', action: 'string', 'deadline-days': 'string', disabled: 'boolean',
        });
        await rulesCommand(positionals, values);
        return ExitCode.Ok;
      }
      case 'tokens': {
        const { positionals, values } = parseCommand(rest, { name: 'string', 'data-dir': 'string', json: 'boolean' });
        const { tokensCommand } = await import('./commands/tokens.command.js');
        await tokensCommand(positionals, values);
        return ExitCode.Ok;
      }
      case 'version':
      case '--version':
        process.stdout.write(`${WATERSHED_VERSION}\n`);
        return ExitCode.Ok;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${(rest[0] && HELP[rest[0]]) ?? USAGE}\n`);
        return ExitCode.Ok;
      default:
        throw new CliError(ExitCode.Usage, `unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    }
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`watershed: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`watershed: ${error.message}\n`);
      return ExitCode.InvalidConfiguration;
    }
    process.stderr.write(`watershed: ${(error as Error).stack ?? String(error)}\n`);
    return ExitCode.Failure;
  }
}

/** `string[]`: a repeatable flag (`--file a --file b`). */
function parseCommand<S extends Record<string, 'string' | 'boolean' | 'string[]'>>(
  args: readonly string[],
  spec: S,
  allowPositionals = true,
): { positionals: string[]; values: Record<string, S[keyof S] extends 'string[]' ? string | boolean | string[] | undefined : string | boolean | undefined> } {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: Object.fromEntries(
        Object.entries(spec).map(([name, type]) => [name, type === 'string[]' ? { type: 'string' as const, multiple: true } : { type }]),
      ),
      allowPositionals,
      strict: true,
    });
    return { positionals, values: values as never };
  } catch (error) {
    throw new CliError(ExitCode.Usage, (error as Error).message);
  }
}

function parseFlags(args: readonly string[], spec: Record<string, 'string' | 'boolean'>): Record<string, string | boolean | undefined> {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: Object.fromEntries(Object.entries(spec).map(([name, type]) => [name, { type }])),
      allowPositionals: false,
      strict: true,
    });
    return values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw new CliError(ExitCode.Usage, (error as Error).message);
  }
}
