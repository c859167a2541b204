import { CliError, ExitCode } from '../exit-codes.js';
import { adminCalls, adminConnection, type AdminOperation } from './admin-http.client.js';
import { printResult } from './output.js';
import { IMPORT_USAGE, PUBLISH_USAGE } from './catalog.command.js';

export const UPDATES_USAGE = `watershed updates approve|unapprove|approvals|decline|undecline|eula|accept-eula UPDATE_ID [options] | publish | import

  ${PUBLISH_USAGE}
  ${IMPORT_USAGE}

  approve UPDATE_ID --group GROUP_ID [--action Install|Uninstall|OptionalInstall|PreDeploymentCheck|Block]
          [--deadline ISO-8601] [--revision N] [--accept-eula]
                                         --accept-eula accepts the license terms the install needs
                                         (read them first with \`updates eula\`); without it such an
                                         approval is refused (EULA.NOT_ACCEPTED, exit code 5)
  eula UPDATE_ID [--locale de-AT,de] [--revision N]
                                         the license terms an install involves, whether accepted, and their text
  accept-eula UPDATE_ID [--revision N]   accept them (the update's and its bundled updates')
  unapprove UPDATE_ID --group GROUP_ID
  approvals UPDATE_ID                    the update's approvals per group
  decline UPDATE_ID / undecline UPDATE_ID
  Common: --server URL (WATERSHED_SERVER), --token T (WATERSHED_TOKEN), --json`;

/**
 * The admin API operations `watershed updates` calls (checked against /api/openapi.json: cli-coverage.ts).
 * Publish and import are in catalog.command.ts (CATALOG_OPERATIONS), which streams their files first.
 */
export const UPDATES_OPERATIONS = [
  'POST /api/v1/updates/{updateId}/approvals',
  'DELETE /api/v1/updates/{updateId}/approvals',
  'GET /api/v1/updates/{updateId}/approvals',
  'GET /api/v1/updates/{updateId}/eula',
  'POST /api/v1/updates/{updateId}/eula/acceptance',
  'POST /api/v1/updates/{updateId}/decline',
  'POST /api/v1/updates/{updateId}/undecline',
] as const satisfies readonly AdminOperation[];
const call = adminCalls(UPDATES_OPERATIONS);

interface Approval {
  groupId: string;
  action: string;
  deadline: string | null;
  revisionNumber: number;
  deploymentId: number;
}

interface EulaAcceptance {
  eulaId: string;
  updateId: string;
  revisionNumber: number;
  acceptedAt: string;
  acceptedBy: string;
}

interface UpdateEulas {
  updateId: string;
  revisionNumber: number;
  accepted: boolean;
  eulas: {
    eulaId: string;
    updateId: string;
    revisionNumber: number;
    accepted: { acceptedAt: string; acceptedBy: string | null } | null;
    available: { locale: string; geoId: string | null }[];
    files: { locale: string; geoId: string | null; fileName: string | null; urlPath: string | null; text: string | null }[];
  }[];
}

function revisionFlag(flags: Record<string, string | boolean | undefined>): number | undefined {
  const revision = flags.revision === undefined ? undefined : Number(flags.revision);
  if (revision !== undefined && (!Number.isInteger(revision) || revision < 0)) throw new CliError(ExitCode.Usage, '--revision must be a whole number');
  return revision;
}

export async function updatesCommand(positionals: string[], flags: Record<string, string | boolean | undefined>): Promise<void> {
  const [action, updateId] = positionals;
  const json = flags.json === true;
  if (!updateId) throw new CliError(ExitCode.Usage, `updates ${action ?? ''} needs an UPDATE_ID\n\n${UPDATES_USAGE}`);
  const connection = adminConnection(flags);
  const params = { updateId };
  const group = typeof flags.group === 'string' ? flags.group : undefined;
  switch (action) {
    case 'approve': {
      if (!group) throw new CliError(ExitCode.Usage, `updates approve needs --group\n\n${UPDATES_USAGE}`);
      const revision = flags.revision === undefined ? undefined : Number(flags.revision);
      if (revision !== undefined && (!Number.isInteger(revision) || revision < 0)) throw new CliError(ExitCode.Usage, '--revision must be a whole number');
      const { body } = await call.json<{ approval: Approval; warnings?: { code: string; message: string }[]; acceptedEulas?: EulaAcceptance[] }>(connection, 'POST /api/v1/updates/{updateId}/approvals', {
        params,
        body: {
          groupId: group,
          action: typeof flags.action === 'string' ? flags.action : 'Install',
          ...(typeof flags.deadline === 'string' ? { deadline: flags.deadline } : {}),
          ...(revision === undefined ? {} : { revisionNumber: revision }),
          ...(flags['accept-eula'] === true ? { acceptEula: true } : {}),
        },
      }).catch((error: unknown) => {
        if (error instanceof CliError && error.message.startsWith('EULA.NOT_ACCEPTED')) {
          throw new CliError(error.exitCode, `${error.message}\nRead them with \`watershed updates eula ${updateId}\`, then approve again with --accept-eula.`);
        }
        throw error;
      });
      for (const warning of body.warnings ?? []) process.stderr.write(`warning: ${warning.code}: ${warning.message}\n`);
      if (!json) for (const e of body.acceptedEulas ?? []) process.stderr.write(`accepted EULA ${e.eulaId} (update ${e.updateId} revision ${e.revisionNumber})\n`);
      const a = body.approval;
      printResult(json, body, { headers: ['UPDATE', 'REVISION', 'GROUP', 'ACTION', 'DEADLINE', 'DEPLOYMENT'], rows: [[updateId, String(a.revisionNumber), a.groupId, a.action, a.deadline ?? '', String(a.deploymentId)]] });
      return;
    }
    case 'unapprove': {
      if (!group) throw new CliError(ExitCode.Usage, `updates unapprove needs --group\n\n${UPDATES_USAGE}`);
      const { body } = await call.json<unknown>(connection, 'DELETE /api/v1/updates/{updateId}/approvals', { params, query: { groupId: group } });
      printResult(json, body, { headers: ['UPDATE', 'GROUP', 'APPROVAL'], rows: [[updateId, group, 'removed']] });
      return;
    }
    case 'approvals': {
      const { body } = await call.json<{ approvals: Approval[] }>(connection, 'GET /api/v1/updates/{updateId}/approvals', { params });
      printResult(json, body, {
        headers: ['GROUP', 'ACTION', 'REVISION', 'DEADLINE', 'DEPLOYMENT'],
        rows: (body.approvals ?? []).map((a) => [a.groupId, a.action, String(a.revisionNumber), a.deadline ?? '', String(a.deploymentId)]),
      });
      return;
    }
    case 'eula': {
      const revision = revisionFlag(flags);
      const { body } = await call.json<UpdateEulas>(connection, 'GET /api/v1/updates/{updateId}/eula', {
        params,
        query: { locale: typeof flags.locale === 'string' ? flags.locale : undefined, revisionNumber: revision === undefined ? undefined : String(revision) },
      });
      if (json) {
        printResult(true, body);
        return;
      }
      printResult(false, body, {
        headers: ['EULA', 'UPDATE', 'REVISION', 'ACCEPTED', 'BY', 'LOCALES'],
        rows: body.eulas.map((e) => [e.eulaId, e.updateId, String(e.revisionNumber), e.accepted?.acceptedAt ?? 'no', e.accepted?.acceptedBy ?? '', e.available.map((a) => a.locale + (a.geoId ? `/${a.geoId}` : '')).join(',')]),
      });
      for (const e of body.eulas) {
        for (const f of e.files) {
          process.stdout.write(`\n--- EULA ${e.eulaId}, ${f.locale}${f.geoId ? ` (${f.geoId})` : ''}: ${f.fileName ?? '(no file name)'} ---\n`);
          process.stdout.write(f.text !== null ? `${f.text.replace(/\s+$/, '')}\n` : `(the server does not hold this license file${f.urlPath ? `; it would be at ${f.urlPath}` : ''})\n`);
        }
      }
      return;
    }
    case 'accept-eula': {
      const revision = revisionFlag(flags);
      const { body } = await call.json<{ acceptedEulas: EulaAcceptance[] }>(connection, 'POST /api/v1/updates/{updateId}/eula/acceptance', {
        params,
        body: revision === undefined ? {} : { revisionNumber: revision },
      });
      printResult(json, body, {
        headers: ['EULA', 'UPDATE', 'REVISION', 'ACCEPTED AT', 'BY'],
        rows: body.acceptedEulas.map((e) => [e.eulaId, e.updateId, String(e.revisionNumber), e.acceptedAt, e.acceptedBy]),
      });
      if (!json && body.acceptedEulas.length === 0) process.stdout.write('every license involved was accepted already\n');
      return;
    }
    case 'decline':
    case 'undecline': {
      const { body } = await call.json<{ changed?: boolean }>(connection, action === 'decline' ? 'POST /api/v1/updates/{updateId}/decline' : 'POST /api/v1/updates/{updateId}/undecline', { params, body: {} });
      printResult(json, body, { headers: ['UPDATE', 'STATE', 'CHANGED'], rows: [[updateId, action === 'decline' ? 'declined' : 'not declined', body.changed ? 'yes' : 'no']] });
      return;
    }
    default:
      throw new CliError(ExitCode.Usage, `unknown updates action ${JSON.stringify(action ?? '')}\n\n${UPDATES_USAGE}`);
  }
}
