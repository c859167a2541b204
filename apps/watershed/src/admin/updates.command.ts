import { CliError, ExitCode } from '../exit-codes.js';
import { adminConnection, adminRequest } from './admin-http.client.js';
import { printResult } from './output.js';

export const UPDATES_USAGE = `watershed updates approve|unapprove|approvals|decline|undecline UPDATE_ID [options]

  approve UPDATE_ID --group GROUP_ID [--action Install|Uninstall|OptionalInstall|PreDeploymentCheck|Block]
          [--deadline ISO-8601] [--revision N]
  unapprove UPDATE_ID --group GROUP_ID
  approvals UPDATE_ID                    the update's approvals per group
  decline UPDATE_ID / undecline UPDATE_ID
  Common: --server URL (WATERSHED_SERVER), --token T (WATERSHED_TOKEN), --json`;

interface Approval {
  groupId: string;
  action: string;
  deadline: string | null;
  revisionNumber: number;
  deploymentId: number;
}

export async function updatesCommand(positionals: string[], flags: Record<string, string | boolean | undefined>): Promise<void> {
  const [action, updateId] = positionals;
  const json = flags.json === true;
  if (!updateId) throw new CliError(ExitCode.Usage, `updates ${action ?? ''} needs an UPDATE_ID\n\n${UPDATES_USAGE}`);
  const connection = adminConnection(flags);
  const base = `/api/v1/updates/${encodeURIComponent(updateId)}`;
  const group = typeof flags.group === 'string' ? flags.group : undefined;
  switch (action) {
    case 'approve': {
      if (!group) throw new CliError(ExitCode.Usage, `updates approve needs --group\n\n${UPDATES_USAGE}`);
      const revision = flags.revision === undefined ? undefined : Number(flags.revision);
      if (revision !== undefined && (!Number.isInteger(revision) || revision < 0)) throw new CliError(ExitCode.Usage, '--revision must be a whole number');
      const { body } = await adminRequest<{ approval: Approval; warnings?: { code: string; message: string }[] }>(connection, 'POST', `${base}/approvals`, {
        groupId: group,
        action: typeof flags.action === 'string' ? flags.action : 'Install',
        ...(typeof flags.deadline === 'string' ? { deadline: flags.deadline } : {}),
        ...(revision === undefined ? {} : { revisionNumber: revision }),
      });
      for (const warning of body.warnings ?? []) process.stderr.write(`warning: ${warning.code}: ${warning.message}\n`);
      const a = body.approval;
      printResult(json, body, { headers: ['UPDATE', 'REVISION', 'GROUP', 'ACTION', 'DEADLINE', 'DEPLOYMENT'], rows: [[updateId, String(a.revisionNumber), a.groupId, a.action, a.deadline ?? '', String(a.deploymentId)]] });
      return;
    }
    case 'unapprove': {
      if (!group) throw new CliError(ExitCode.Usage, `updates unapprove needs --group\n\n${UPDATES_USAGE}`);
      const { body } = await adminRequest<unknown>(connection, 'DELETE', `${base}/approvals?groupId=${encodeURIComponent(group)}`);
      printResult(json, body, { headers: ['UPDATE', 'GROUP', 'APPROVAL'], rows: [[updateId, group, 'removed']] });
      return;
    }
    case 'approvals': {
      const { body } = await adminRequest<{ approvals: Approval[] }>(connection, 'GET', `${base}/approvals`);
      printResult(json, body, {
        headers: ['GROUP', 'ACTION', 'REVISION', 'DEADLINE', 'DEPLOYMENT'],
        rows: (body.approvals ?? []).map((a) => [a.groupId, a.action, String(a.revisionNumber), a.deadline ?? '', String(a.deploymentId)]),
      });
      return;
    }
    case 'decline':
    case 'undecline': {
      const { body } = await adminRequest<{ changed?: boolean }>(connection, 'POST', `${base}/${action}`, {});
      printResult(json, body, { headers: ['UPDATE', 'STATE', 'CHANGED'], rows: [[updateId, action === 'decline' ? 'declined' : 'not declined', body.changed ? 'yes' : 'no']] });
      return;
    }
    default:
      throw new CliError(ExitCode.Usage, `unknown updates action ${JSON.stringify(action ?? '')}\n\n${UPDATES_USAGE}`);
  }
}
