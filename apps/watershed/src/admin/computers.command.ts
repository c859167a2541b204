import { CliError, ExitCode } from '../exit-codes.js';
import { adminCalls, adminConnection, type AdminOperation } from './admin-http.client.js';
import { printResult } from './output.js';

export const COMPUTERS_USAGE = `watershed computers groups COMPUTER_ID [--set GROUP_ID,...] | deployments COMPUTER_ID
                    | targeting-mode [server-side|client-side]

  groups COMPUTER_ID                 the computer's groups; --set replaces them (empty = Unassigned)
  deployments COMPUTER_ID            the approvals that apply to the computer
  targeting-mode [MODE]              show or set server-side / client-side targeting
  Common: --server URL (WATERSHED_SERVER), --token T (WATERSHED_TOKEN), --json`;

/** The admin API operations `watershed computers` calls (checked against /api/openapi.json: cli-coverage.ts). */
export const COMPUTERS_OPERATIONS = [
  'GET /api/v1/computers/{computerId}/groups',
  'PUT /api/v1/computers/{computerId}/groups',
  'GET /api/v1/computers/{computerId}/deployments',
  'GET /api/v1/configuration/targeting-mode',
  'PUT /api/v1/configuration/targeting-mode',
] as const satisfies readonly AdminOperation[];
const call = adminCalls(COMPUTERS_OPERATIONS);

export async function computersCommand(positionals: string[], flags: Record<string, string | boolean | undefined>): Promise<void> {
  const [action, argument] = positionals;
  const json = flags.json === true;
  const connection = adminConnection(flags);
  switch (action) {
    case 'groups': {
      if (!argument) throw new CliError(ExitCode.Usage, `computers groups needs a COMPUTER_ID\n\n${COMPUTERS_USAGE}`);
      const set = typeof flags.set === 'string' ? flags.set.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
      const { body } = set === undefined
        ? await call.json<{ groupIds: string[]; effectiveGroupIds?: string[] }>(connection, 'GET /api/v1/computers/{computerId}/groups', { params: { computerId: argument } })
        : await call.json<{ groupIds: string[]; effectiveGroupIds?: string[] }>(connection, 'PUT /api/v1/computers/{computerId}/groups', { params: { computerId: argument }, body: { groupIds: set } });
      printResult(json, body, { headers: ['COMPUTER', 'GROUPS', 'WITH ANCESTORS'], rows: [[argument, body.groupIds.join(','), (body.effectiveGroupIds ?? []).join(',')]] });
      return;
    }
    case 'deployments': {
      if (!argument) throw new CliError(ExitCode.Usage, `computers deployments needs a COMPUTER_ID\n\n${COMPUTERS_USAGE}`);
      const { body } = await call.json<{ deployments: { updateId: string; revisionNumber: number; action: string; deadline: string | null; groupId: string }[] }>(
        connection,
        'GET /api/v1/computers/{computerId}/deployments',
        { params: { computerId: argument } },
      );
      printResult(json, body, {
        headers: ['UPDATE', 'REVISION', 'ACTION', 'DEADLINE', 'FROM GROUP'],
        rows: body.deployments.map((d) => [d.updateId, String(d.revisionNumber), d.action, d.deadline ?? '', d.groupId]),
      });
      return;
    }
    case 'targeting-mode': {
      const { body } = argument === undefined
        ? await call.json<{ mode: string }>(connection, 'GET /api/v1/configuration/targeting-mode')
        : await call.json<{ mode: string }>(connection, 'PUT /api/v1/configuration/targeting-mode', { body: { mode: argument } });
      printResult(json, body, { headers: ['TARGETING MODE'], rows: [[body.mode]] });
      return;
    }
    default:
      throw new CliError(ExitCode.Usage, `unknown computers action ${JSON.stringify(action ?? '')}\n\n${COMPUTERS_USAGE}`);
  }
}
