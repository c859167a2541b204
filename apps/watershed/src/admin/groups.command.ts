import { CliError, ExitCode } from '../exit-codes.js';
import { adminConnection, adminRequest } from './admin-http.client.js';
import { printResult } from './output.js';

export const GROUPS_USAGE = `watershed groups list|create|rename|delete [options]

  list                                   all computer groups
  create NAME [--parent GROUP_ID]        a group (under All Computers by default)
  rename GROUP_ID NAME [--if-match ETAG]
  delete GROUP_ID [--move-members] [--if-match ETAG]
                                         a group with computers is deleted only with --move-members
  Common: --server URL (WATERSHED_SERVER), --token T (WATERSHED_TOKEN), --json`;

interface Group {
  id: string;
  name: string;
  parentId: string | null;
  builtIn: boolean;
  computerCount?: number;
  version?: number;
}

export async function groupsCommand(positionals: string[], flags: Record<string, string | boolean | undefined>): Promise<void> {
  const [action, ...args] = positionals;
  const json = flags.json === true;
  const connection = adminConnection(flags);
  const ifMatch: Record<string, string> = typeof flags['if-match'] === 'string' ? { 'if-match': flags['if-match'] } : {};
  switch (action) {
    case 'list': {
      const { body } = await adminRequest<{ groups: Group[] }>(connection, 'GET', '/api/v1/groups');
      const names = new Map(body.groups.map((g) => [g.id, g.name]));
      printResult(json, body, {
        headers: ['ID', 'NAME', 'PARENT', 'COMPUTERS', 'BUILT-IN'],
        rows: body.groups.map((g) => [g.id, g.name, g.parentId ? names.get(g.parentId) ?? g.parentId : '', String(g.computerCount ?? ''), g.builtIn ? 'yes' : '']),
      });
      return;
    }
    case 'create': {
      const [name] = args;
      if (!name) throw new CliError(ExitCode.Usage, `groups create needs a NAME\n\n${GROUPS_USAGE}`);
      const { body } = await adminRequest<Group>(connection, 'POST', '/api/v1/groups', { name, ...(typeof flags.parent === 'string' ? { parentId: flags.parent } : {}) });
      printResult(json, body, { headers: ['ID', 'NAME'], rows: [[body.id, body.name]] });
      return;
    }
    case 'rename': {
      const [groupId, name] = args;
      if (!groupId || !name) throw new CliError(ExitCode.Usage, `groups rename needs GROUP_ID and NAME\n\n${GROUPS_USAGE}`);
      const { body } = await adminRequest<Group>(connection, 'PATCH', `/api/v1/groups/${encodeURIComponent(groupId)}`, { name }, ifMatch);
      printResult(json, body, { headers: ['ID', 'NAME'], rows: [[body.id, body.name]] });
      return;
    }
    case 'delete': {
      const [groupId] = args;
      if (!groupId) throw new CliError(ExitCode.Usage, `groups delete needs GROUP_ID\n\n${GROUPS_USAGE}`);
      const query = flags['move-members'] === true ? '?moveMembersToUnassigned=true' : '';
      const { body } = await adminRequest<{ movedComputerIds?: string[] }>(connection, 'DELETE', `/api/v1/groups/${encodeURIComponent(groupId)}${query}`, undefined, ifMatch);
      printResult(json, body, { headers: ['DELETED', 'COMPUTERS MOVED TO UNASSIGNED'], rows: [[groupId, String(body.movedComputerIds?.length ?? 0)]] });
      return;
    }
    default:
      throw new CliError(ExitCode.Usage, `unknown groups action ${JSON.stringify(action ?? '')}\n\n${GROUPS_USAGE}`);
  }
}
