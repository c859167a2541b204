import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req, Res, Inject } from '@nestjs/common';
import { Admin, AdminApi, type AdminPrincipal, parseAdminInput, ApiOperation } from '#platform';
import { DeploymentApi } from '../application/deployment-api.service.js';
import { guidInput } from '../application/deployment.schemas.js';
import { changeRuleInput, createRuleInput } from '../approval-rules/approval-rule.schemas.js';
import { type AdminRequest, callerOf, type ReplyLike } from './admin-request.js';

/**
 * Automatic approval rules: classification × product → Install for groups, with an optional
 * deadline offset. Bodies are validated by the rule decider (RULE.INVALID with every issue).
 */
@AdminApi()
@Controller('api/v1/approval-rules')
export class ApprovalRulesHttpController {
  constructor(@Inject(DeploymentApi) private readonly api: DeploymentApi) {}

  @ApiOperation({ summary: 'List automatic approval rules' })
  @Get()
  async list(): Promise<unknown> {
    return { rules: await this.api.queries.approvalRules() };
  }

  @ApiOperation({ summary: 'One automatic approval rule' })
  @Get(':ruleId')
  get(@Param('ruleId') rawId: string): Promise<unknown> {
    return this.api.queries.approvalRule(parseAdminInput(guidInput, rawId, 'rule id'));
  }

  @ApiOperation({ summary: 'Create a rule; it applies to updates that arrive from now on (run it for existing ones)', body: createRuleInput, responses: { 201: 'Created; Location header' } })
  @Post()
  async create(@Body() body: unknown, @Admin() admin: AdminPrincipal, @Req() req: AdminRequest, @Res({ passthrough: true }) reply: ReplyLike): Promise<unknown> {
    const { result } = await this.api.createApprovalRule(body ?? null, callerOf(admin, req));
    reply.status(201).header('location', `/api/v1/approval-rules/${result.id}`);
    return result;
  }

  @ApiOperation({ summary: 'Change a rule (only the fields given), or enable / disable it', body: changeRuleInput })
  @Patch(':ruleId')
  async change(@Param('ruleId') rawId: string, @Body() body: unknown, @Admin() admin: AdminPrincipal, @Req() req: AdminRequest): Promise<unknown> {
    const ruleId = parseAdminInput(guidInput, rawId, 'rule id');
    const { result, changed } = await this.api.changeApprovalRule({ ruleId, changes: body ?? null }, callerOf(admin, req));
    return { ...result, changed };
  }

  @ApiOperation({ summary: 'Delete a rule (the approvals it made stay)' })
  @Delete(':ruleId')
  async remove(@Param('ruleId') rawId: string, @Admin() admin: AdminPrincipal, @Req() req: AdminRequest): Promise<unknown> {
    const ruleId = parseAdminInput(guidInput, rawId, 'rule id');
    return (await this.api.deleteApprovalRule({ ruleId }, callerOf(admin, req))).result;
  }

  @ApiOperation({ summary: 'Apply a rule to the updates already in the catalog; answers with the approvals it made' })
  @Post(':ruleId/run')
  @HttpCode(200)
  run(@Param('ruleId') rawId: string, @Admin() admin: AdminPrincipal, @Req() req: AdminRequest): Promise<unknown> {
    return this.api.runApprovalRule({ ruleId: parseAdminInput(guidInput, rawId, 'rule id') }, callerOf(admin, req));
  }
}
