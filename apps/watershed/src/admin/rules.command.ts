import { CliError, ExitCode } from '../exit-codes.js';
import { adminConnection, adminRequest } from './admin-http.client.js';
import { printResult } from './output.js';

export const RULES_USAGE = `watershed rules list | create --name N --groups ID,... [--classifications ID,...] [--products ID,...] [--deadline-days D] [--disabled]
                | enable RULE_ID | disable RULE_ID | delete RULE_ID | run RULE_ID

  list                 automatic approval rules
  create               a rule: updates of these classifications × products are approved (Install) for the groups
                       as they arrive; no --classifications / --products means any; --deadline-days sets the deadline
  enable, disable      switch a rule on or off (a disabled rule does nothing to arriving updates)
  delete               removes the rule; the approvals it made stay
  run                  applies the rule now to the updates already in the catalog and lists what it approved
  Common: --server URL (WATERSHED_SERVER), --token T (WATERSHED_TOKEN), --json`;

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

export async function rulesCommand(positionals: string[], flags: Flags): Promise<void> {
  const [action, argument] = positionals;
  const json = flags.json === true;
  const needId = (): string => {
    if (!argument) throw new CliError(ExitCode.Usage, `rules ${action} needs a RULE_ID\n\n${RULES_USAGE}`);
    return encodeURIComponent(argument);
  };
  switch (action) {
    case 'list': {
      const { body } = await adminRequest<{ rules: RuleView[] }>(adminConnection(flags), 'GET', '/api/v1/approval-rules');
      printResult(json, body, ruleTable(body.rules));
      return;
    }
    case 'create': {
      if (typeof flags.name !== 'string') throw new CliError(ExitCode.Usage, `rules create needs --name\n\n${RULES_USAGE}`);
      const groupIds = list(flags.groups);
      if (!groupIds || groupIds.length === 0) throw new CliError(ExitCode.Usage, `rules create needs --groups ID,...\n\n${RULES_USAGE}`);
      const days = flags['deadline-days'];
      if (days !== undefined && (typeof days !== 'string' || !/^\d+$/.test(days))) throw new CliError(ExitCode.Usage, `--deadline-days must be a whole number of days, got ${JSON.stringify(days)}`);
      const body: Record<string, unknown> = { name: flags.name, groupIds, enabled: flags.disabled !== true };
      const classifications = list(flags.classifications);
      const products = list(flags.products);
      if (classifications) body.classificationIds = classifications;
      if (products) body.productIds = products;
      if (typeof days === 'string') body.deadlineOffsetDays = Number(days);
      const { body: rule } = await adminRequest<RuleView>(adminConnection(flags), 'POST', '/api/v1/approval-rules', body);
      printResult(json, rule, ruleTable([rule]));
      return;
    }
    case 'enable':
    case 'disable': {
      const { body } = await adminRequest<RuleView>(adminConnection(flags), 'PATCH', `/api/v1/approval-rules/${needId()}`, { enabled: action === 'enable' });
      printResult(json, body, ruleTable([body]));
      return;
    }
    case 'delete': {
      const { body } = await adminRequest<{ id: string }>(adminConnection(flags), 'DELETE', `/api/v1/approval-rules/${needId()}`);
      printResult(json, body, { headers: ['DELETED RULE'], rows: [[body.id]] });
      return;
    }
    case 'run': {
      const { body } = await adminRequest<RunView>(adminConnection(flags), 'POST', `/api/v1/approval-rules/${needId()}/run`);
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
