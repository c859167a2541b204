import { CliError, ExitCode } from '../exit-codes.js';
import { adminCalls, adminConnection, type AdminOperation } from './admin-http.client.js';
import { printResult } from './output.js';

export const GROUPS_USAGE = `watershed groups list|tree|show|create|rename|delete [options]

  list                                   all computer groups
  tree                                   the groups as a tree under All Computers
  show GROUP_ID                          one group, with its version (the ETag for --if-match)
  create NAME [--parent GROUP_ID]        a group (under All Computers by default)
  rename GROUP_ID NAME [--if-match ETAG]
  delete GROUP_ID [--move-members] [--if-match ETAG]
                                         a group with computers is deleted only with --move-members
  Common: --server URL (WATERSHED_SERVER), --token T (WATERSHED_TOKEN), --json`;

/** The admin API operations `watershed groups` calls (checked against /api/openapi.json: cli-coverage.ts). */
export const GROUPS_OPERATIONS = [
  'GET /api/v1/groups',
  'GET /api/v1/groups/tree',
  'GET /api/v1/groups/{groupId}',
  'POST /api/v1/groups',
  'PATCH /api/v1/groups/{groupId}',
  'DELETE /api/v1/groups/{groupId}',
] as const satisfies readonly AdminOperation[];
const call = adminCalls(GROUPS_OPERATIONS);

interface Group {
  id: string;
  name: string;
  parentId: string | null;
  builtIn: boolean;
  computerCount?: number;
  version?: number;
  childIds?: string[];
}

interface GroupTreeNode extends Group {
  children: GroupTreeNode[];
}

/** Depth-first, children indented under their parent, as the WSUS console shows them. */
function treeRows(nodes: readonly GroupTreeNode[], depth = 0): string[][] {
  return nodes.flatMap((n) => [[`${'  '.repeat(depth)}${n.name}`, n.id, String(n.computerCount ?? ''), n.builtIn ? 'yes' : ''], ...treeRows(n.children, depth + 1)]);
}

export async function groupsCommand(positionals: string[], flags: Record<string, string | boolean | undefined>): Promise<void> {
  const [action, ...args] = positionals;
  const json = flags.json === true;
  const connection = adminConnection(flags);
  const ifMatch: Record<string, string> = typeof flags['if-match'] === 'string' ? { 'if-match': flags['if-match'] } : {};
  if ((action === 'list' || action === 'tree') && args.length > 0) throw new CliError(ExitCode.Usage, `groups ${action} takes no arguments\n\n${GROUPS_USAGE}`);
  switch (action) {
    case 'list': {
      const { body } = await call.json<{ groups: Group[] }>(connection, 'GET /api/v1/groups');
      const names = new Map(body.groups.map((g) => [g.id, g.name]));
      printResult(json, body, {
        headers: ['ID', 'NAME', 'PARENT', 'COMPUTERS', 'BUILT-IN'],
        rows: body.groups.map((g) => [g.id, g.name, g.parentId ? names.get(g.parentId) ?? g.parentId : '', String(g.computerCount ?? ''), g.builtIn ? 'yes' : '']),
      });
      return;
    }
    case 'tree': {
      const { body } = await call.json<{ tree: GroupTreeNode[] }>(connection, 'GET /api/v1/groups/tree');
      printResult(json, body, { headers: ['GROUP', 'ID', 'COMPUTERS', 'BUILT-IN'], rows: treeRows(body.tree) });
      return;
    }
    case 'show': {
      const [groupId] = args;
      if (!groupId) throw new CliError(ExitCode.Usage, `groups show needs a GROUP_ID\n\n${GROUPS_USAGE}`);
      const { body, etag } = await call.json<Group>(connection, 'GET /api/v1/groups/{groupId}', { params: { groupId } });
      printResult(json, body, {
        headers: ['FIELD', 'VALUE'],
        rows: [
          ['id', body.id],
          ['name', body.name],
          ['parent', body.parentId ?? '(none)'],
          ['built-in', body.builtIn ? 'yes' : 'no'],
          ['computers', String(body.computerCount ?? '')],
          ['children', (body.childIds ?? []).join(',') || '(none)'],
          ['version (--if-match)', etag ?? String(body.version ?? '')],
        ],
      });
      return;
    }
    case 'create': {
      const [name] = args;
      if (!name) throw new CliError(ExitCode.Usage, `groups create needs a NAME\n\n${GROUPS_USAGE}`);
      const { body } = await call.json<Group>(connection, 'POST /api/v1/groups', { body: { name, ...(typeof flags.parent === 'string' ? { parentId: flags.parent } : {}) } });
      printResult(json, body, { headers: ['ID', 'NAME'], rows: [[body.id, body.name]] });
      return;
    }
    case 'rename': {
      const [groupId, name] = args;
      if (!groupId || !name) throw new CliError(ExitCode.Usage, `groups rename needs GROUP_ID and NAME\n\n${GROUPS_USAGE}`);
      const { body } = await call.json<Group>(connection, 'PATCH /api/v1/groups/{groupId}', { params: { groupId }, body: { name }, headers: ifMatch });
      printResult(json, body, { headers: ['ID', 'NAME'], rows: [[body.id, body.name]] });
      return;
    }
    case 'delete': {
      const [groupId] = args;
      if (!groupId) throw new CliError(ExitCode.Usage, `groups delete needs GROUP_ID\n\n${GROUPS_USAGE}`);
      const { body } = await call.json<{ movedComputerIds?: string[] }>(connection, 'DELETE /api/v1/groups/{groupId}', {
        params: { groupId },
        query: { moveMembersToUnassigned: flags['move-members'] === true ? 'true' : undefined },
        headers: ifMatch,
      });
      printResult(json, body, { headers: ['DELETED', 'COMPUTERS MOVED TO UNASSIGNED'], rows: [[groupId, String(body.movedComputerIds?.length ?? 0)]] });
      return;
    }
    default:
      throw new CliError(ExitCode.Usage, `unknown groups action ${JSON.stringify(action ?? '')}\n\n${GROUPS_USAGE}`);
  }
}
