import { CliError, ExitCode } from '../exit-codes.js';
import { adminCalls, adminConnection, type AdminOperation } from './admin-http.client.js';
import { printResult } from './output.js';

export const RULES_USAGE = `watershed rules list|show|create|change|enable|disable|delete|run [options]

  watershed rules list | show RULE_ID
                  | create --name N --groups ID,... [--classifications ID,...] [--products ID,...] [--action A] [--deadline-days D] [--disabled]
                  | change RULE_ID [--name N] [--groups ID,...] [--classifications ID,...] [--products ID,...] [--action A] [--deadline-days D|none]
                  | enable RULE_ID | disable RULE_ID | delete RULE_ID | run RULE_ID

  list                 automatic approval rules
  show                 one rule
  create               a rule: updates of these classifications × products are approved (--action, default Install)
                       for the groups as they arrive; no --classifications / --products means any; --deadline-days
                       sets the deadline that many days after the approval
  change               changes only the settings given (an empty --classifications / --products means any;
                       --deadline-days none removes the deadline)
  enable, disable      switch a rule on or off (a disabled rule does nothing to arriving updates)
  delete               removes the rule; the approvals it made stay
  run                  applies the rule now to the updates already in the catalog and lists what it approved
  Common: --server URL (WATERSHED_SERVER), --token T (WATERSHED_TOKEN), --json`;

/** The admin API operations `watershed rules` calls (checked against /api/openapi.json: cli-coverage.ts). */
export const RULES_OPERATIONS = [
  'GET /api/v1/approval-rules',
  'GET /api/v1/approval-rules/{ruleId}',
  'POST /api/v1/approval-rules',
  'PATCH /api/v1/approval-rules/{ruleId}',
  'DELETE /api/v1/approval-rules/{ruleId}',
  'POST /api/v1/approval-rules/{ruleId}/run',
] as const satisfies readonly AdminOperation[];
const call = adminCalls(RULES_OPERATIONS);

interface RuleView {
  id: string;
  name: string;
  enabled: boolean;
  classificationIds: string[];
  productIds: string[];
  groupIds: string[];
  action: string;
  deadlineOffsetDays: number | null;
}

interface RunView {
  ruleId: string;
  approved: { updateId: string; groupId: string; revisionNumber?: number; deadline?: string | null }[];
  alreadyApproved: number;
  skipped: { updateId: string; groupId: string; code?: string }[];
}

type Flags = Record<string, string | boolean | undefined>;
const list = (value: string | boolean | undefined): string[] | undefined =>
  typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
const any = (ids: string[]): string => (ids.length === 0 ? '(any)' : ids.join(','));

const ruleTable = (rules: RuleView[]): { headers: string[]; rows: string[][] } => ({
  headers: ['ID', 'NAME', 'ENABLED', 'CLASSIFICATIONS', 'PRODUCTS', 'GROUPS', 'ACTION', 'DEADLINE'],
  rows: rules.map((r) => [r.id, r.name, r.enabled ? 'yes' : 'no', any(r.classificationIds), any(r.productIds), r.groupIds.join(','), r.action, r.deadlineOffsetDays === null ? '' : `+${r.deadlineOffsetDays}d`]),
});

/** The settings create and change share; the server judges values (one message for CLI and API), the CLI only their form. */
function ruleSettings(flags: Flags): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  const classifications = list(flags.classifications);
  const products = list(flags.products);
  if (classifications) settings.classificationIds = classifications;
  if (products) settings.productIds = products;
  if (typeof flags.action === 'string') settings.action = flags.action;
  const days = flags['deadline-days'];
  if (days === 'none') settings.deadlineOffsetDays = null;
  else if (days !== undefined) {
    if (typeof days !== 'string' || !/^\d+$/.test(days)) throw new CliError(ExitCode.Usage, `--deadline-days must be a whole number of days (or none), got ${JSON.stringify(days)}`);
    settings.deadlineOffsetDays = Number(days);
  }
  return settings;
}

export async function rulesCommand(positionals: string[], flags: Flags): Promise<void> {
  const [action, argument] = positionals;
  const json = flags.json === true;
  const needId = (): { ruleId: string } => {
    if (!argument) throw new CliError(ExitCode.Usage, `rules ${action} needs a RULE_ID\n\n${RULES_USAGE}`);
    return { ruleId: argument };
  };
  switch (action) {
    case 'list': {
      const { body } = await call.json<{ rules: RuleView[] }>(adminConnection(flags), 'GET /api/v1/approval-rules');
      printResult(json, body, ruleTable(body.rules));
      return;
    }
    case 'create': {
      if (typeof flags.name !== 'string') throw new CliError(ExitCode.Usage, `rules create needs --name\n\n${RULES_USAGE}`);
      const groupIds = list(flags.groups);
      if (!groupIds || groupIds.length === 0) throw new CliError(ExitCode.Usage, `rules create needs --groups ID,...\n\n${RULES_USAGE}`);
      if (flags['deadline-days'] === 'none') throw new CliError(ExitCode.Usage, 'a new rule has no deadline unless --deadline-days D is given');
      const body: Record<string, unknown> = { name: flags.name, groupIds, enabled: flags.disabled !== true, ...ruleSettings(flags) };
      const { body: rule } = await call.json<RuleView>(adminConnection(flags), 'POST /api/v1/approval-rules', { body });
      printResult(json, rule, ruleTable([rule]));
      return;
    }
    case 'show': {
      const { body } = await call.json<RuleView>(adminConnection(flags), 'GET /api/v1/approval-rules/{ruleId}', { params: needId() });
      printResult(json, body, ruleTable([body]));
      return;
    }
    case 'change': {
      const params = needId();
      const changes: Record<string, unknown> = { ...ruleSettings(flags), ...(typeof flags.name === 'string' ? { name: flags.name } : {}) };
      const groupIds = list(flags.groups);
      if (groupIds) changes.groupIds = groupIds;
      if (Object.keys(changes).length === 0) throw new CliError(ExitCode.Usage, `rules change needs at least one of --name, --groups, --classifications, --products, --action, --deadline-days\n\n${RULES_USAGE}`);
      const { body } = await call.json<RuleView>(adminConnection(flags), 'PATCH /api/v1/approval-rules/{ruleId}', { params, body: changes });
      printResult(json, body, ruleTable([body]));
      return;
    }
    case 'enable':
    case 'disable': {
      const { body } = await call.json<RuleView>(adminConnection(flags), 'PATCH /api/v1/approval-rules/{ruleId}', { params: needId(), body: { enabled: action === 'enable' } });
      printResult(json, body, ruleTable([body]));
      return;
    }
    case 'delete': {
      const { body } = await call.json<{ id: string }>(adminConnection(flags), 'DELETE /api/v1/approval-rules/{ruleId}', { params: needId() });
      printResult(json, body, { headers: ['DELETED RULE'], rows: [[body.id]] });
      return;
    }
    case 'run': {
      const { body } = await call.json<RunView>(adminConnection(flags), 'POST /api/v1/approval-rules/{ruleId}/run', { params: needId() });
      printResult(json, body, {
        headers: ['UPDATE', 'GROUP', 'REVISION', 'DEADLINE'],
        rows: body.approved.map((a) => [a.updateId, a.groupId, String(a.revisionNumber ?? ''), a.deadline ?? '']),
      });
      if (!json) process.stdout.write(`approved ${body.approved.length}, already approved ${body.alreadyApproved}, skipped ${body.skipped.length}${body.skipped.length > 0 ? ` (${[...new Set(body.skipped.map((s) => s.code))].join(', ')})` : ''}\n`);
      return;
    }
    default:
      throw new CliError(ExitCode.Usage, `unknown rules action ${JSON.stringify(action ?? '')}\n\n${RULES_USAGE}`);
  }
}
