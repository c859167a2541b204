import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { serviceQueue, subject } from '#contracts';
import type { BusMessage } from '#messaging';
import { parseAdminInput } from '#platform';
import { type Caller, DeploymentApi } from '../application/deployment-api.service.js';
import { busSchemas as s } from '../application/deployment.schemas.js';

const queue = { queue: serviceQueue('deployment') };
const cmd = (name: string): string => subject('deployment', 'cmd', name);
const qry = (name: string): string => subject('deployment', 'qry', name);

function caller(message: BusMessage, actor: string | undefined, fallback: string): Caller {
  return { actor: actor ?? fallback, correlationId: message.meta?.correlationId, causationId: message.meta?.causationId, traceparent: message.meta?.traceparent };
}

/**
 * The deployment service on the bus: `wsus.deployment.cmd.<name>` for every operation and
 * `wsus.deployment.qry.<name>` for reads, one delivery per service (queue group). Payloads are
 * validated with the same schemas as the admin HTTP API; refusals travel as coded errors.
 */
// Refusals must reach callers as coded errors whatever the process's global filters are.
@Controller()
export class DeploymentRpcController {
  constructor(@Inject(DeploymentApi) private readonly api: DeploymentApi) {}

  @MessagePattern(cmd('create-group'), queue)
  createGroup(@Payload() m: BusMessage): Promise<unknown> {
    const { actor, ...input } = parseAdminInput(s.createGroup, m.payload, 'payload');
    return this.api.createGroup(input, caller(m, actor, 'bus'));
  }

  @MessagePattern(cmd('rename-group'), queue)
  renameGroup(@Payload() m: BusMessage): Promise<unknown> {
    const { actor, ...input } = parseAdminInput(s.renameGroup, m.payload, 'payload');
    return this.api.renameGroup(input, caller(m, actor, 'bus'));
  }

  @MessagePattern(cmd('delete-group'), queue)
  deleteGroup(@Payload() m: BusMessage): Promise<unknown> {
    const { actor, ...input } = parseAdminInput(s.deleteGroup, m.payload, 'payload');
    return this.api.deleteGroup(input, caller(m, actor, 'bus'));
  }

  @MessagePattern(cmd('assign-computer'), queue)
  assignComputer(@Payload() m: BusMessage): Promise<unknown> {
    const { actor, ...input } = parseAdminInput(s.assignComputer, m.payload, 'payload');
    return this.api.assignComputer(input, caller(m, actor, 'bus'));
  }

  @MessagePattern(cmd('approve-update'), queue)
  approveUpdate(@Payload() m: BusMessage): Promise<unknown> {
    const { actor, ...input } = parseAdminInput(s.approveUpdate, m.payload, 'payload');
    return this.api.approveUpdate(input, caller(m, actor, 'bus'));
  }

  @MessagePattern(cmd('accept-eula'), queue)
  acceptEula(@Payload() m: BusMessage): Promise<unknown> {
    const { actor, ...input } = parseAdminInput(s.acceptEula, m.payload, 'payload');
    return this.api.acceptEula(input, caller(m, actor, 'bus'));
  }

  @MessagePattern(cmd('remove-approval'), queue)
  removeApproval(@Payload() m: BusMessage): Promise<unknown> {
    const { actor, ...input } = parseAdminInput(s.removeApproval, m.payload, 'payload');
    return this.api.removeApproval(input, caller(m, actor, 'bus'));
  }

  @MessagePattern(cmd('decline-update'), queue)
  declineUpdate(@Payload() m: BusMessage): Promise<unknown> {
    const { actor, ...input } = parseAdminInput(s.updateOnly, m.payload, 'payload');
    return this.api.declineUpdate(input, caller(m, actor, 'bus'));
  }

  @MessagePattern(cmd('undecline-update'), queue)
  undeclineUpdate(@Payload() m: BusMessage): Promise<unknown> {
    const { actor, ...input } = parseAdminInput(s.updateOnly, m.payload, 'payload');
    return this.api.undeclineUpdate(input, caller(m, actor, 'bus'));
  }

  @MessagePattern(cmd('set-targeting-mode'), queue)
  setTargetingMode(@Payload() m: BusMessage): Promise<unknown> {
    const { actor, ...input } = parseAdminInput(s.setTargetingMode, m.payload, 'payload');
    return this.api.setTargetingMode(input, caller(m, actor, 'bus'));
  }

  @MessagePattern(cmd('configure-server'), queue)
  configureServer(@Payload() m: BusMessage): Promise<unknown> {
    const { actor, ...input } = parseAdminInput(s.configureServer, m.payload, 'payload');
    return this.api.configureServer(input, caller(m, actor, 'bus'));
  }

  @MessagePattern(qry('configuration'), queue)
  configuration(@Payload() m: BusMessage): Promise<unknown> {
    parseAdminInput(s.empty, m.payload ?? {}, 'payload');
    return this.api.queries.configuration();
  }

  @MessagePattern(cmd('create-approval-rule'), queue)
  createApprovalRule(@Payload() m: BusMessage): Promise<unknown> {
    const { actor, definition } = parseAdminInput(s.createApprovalRule, m.payload, 'payload');
    return this.api.createApprovalRule(definition, caller(m, actor, 'bus'));
  }

  @MessagePattern(cmd('change-approval-rule'), queue)
  changeApprovalRule(@Payload() m: BusMessage): Promise<unknown> {
    const { actor, ruleId, changes } = parseAdminInput(s.changeApprovalRule, m.payload, 'payload');
    return this.api.changeApprovalRule({ ruleId, changes }, caller(m, actor, 'bus'));
  }

  @MessagePattern(cmd('delete-approval-rule'), queue)
  deleteApprovalRule(@Payload() m: BusMessage): Promise<unknown> {
    const { actor, ruleId } = parseAdminInput(s.ruleCommand, m.payload, 'payload');
    return this.api.deleteApprovalRule({ ruleId }, caller(m, actor, 'bus'));
  }

  @MessagePattern(cmd('run-approval-rule'), queue)
  runApprovalRule(@Payload() m: BusMessage): Promise<unknown> {
    const { actor, ruleId } = parseAdminInput(s.ruleCommand, m.payload, 'payload');
    return this.api.runApprovalRule({ ruleId }, caller(m, actor, 'bus'));
  }

  @MessagePattern(qry('approval-rules'), queue)
  async approvalRules(@Payload() m: BusMessage): Promise<unknown> {
    parseAdminInput(s.empty, m.payload ?? {}, 'payload');
    return { rules: await this.api.queries.approvalRules() };
  }

  @MessagePattern(qry('approval-rule'), queue)
  approvalRule(@Payload() m: BusMessage): Promise<unknown> {
    return this.api.queries.approvalRule(parseAdminInput(s.rule, m.payload, 'payload').ruleId);
  }

  @MessagePattern(qry('groups'), queue)
  async groups(@Payload() m: BusMessage): Promise<unknown> {
    parseAdminInput(s.empty, m.payload ?? {}, 'payload');
    return { groups: await this.api.queries.groups() };
  }

  @MessagePattern(qry('group'), queue)
  group(@Payload() m: BusMessage): Promise<unknown> {
    return this.api.queries.group(parseAdminInput(s.group, m.payload, 'payload').groupId);
  }

  @MessagePattern(qry('computer-groups'), queue)
  computerGroups(@Payload() m: BusMessage): Promise<unknown> {
    return this.api.queries.computerGroups(parseAdminInput(s.computer, m.payload, 'payload').computerId);
  }

  @MessagePattern(qry('approvals-for-update'), queue)
  approvalsForUpdate(@Payload() m: BusMessage): Promise<unknown> {
    return this.api.queries.approvalsForUpdate(parseAdminInput(s.update, m.payload, 'payload').updateId);
  }

  @MessagePattern(qry('effective-deployments'), queue)
  effectiveDeployments(@Payload() m: BusMessage): Promise<unknown> {
    return this.api.effectiveDeployments(parseAdminInput(s.computer, m.payload, 'payload').computerId);
  }

  @MessagePattern(qry('targeting-mode'), queue)
  targetingMode(@Payload() m: BusMessage): Promise<unknown> {
    parseAdminInput(s.empty, m.payload ?? {}, 'payload');
    return this.api.queries.targetingMode();
  }

  /**
   * From GetAuthorizationCookie / GetCookie: maps the client's TargetGroupName(s) to groups in
   * client-side mode, recording ComputerAssignedToGroups when the membership changed; in server-side
   * mode it only reports the current groups. The actor is the computer.
   */
  @MessagePattern(qry('resolve-client-targeting'), queue)
  resolveClientTargeting(@Payload() m: BusMessage): Promise<unknown> {
    const input = parseAdminInput(s.resolveClientTargeting, m.payload, 'payload');
    return this.api.resolveClientTargeting(input, caller(m, undefined, `computer:${input.computerId}`));
  }
}
