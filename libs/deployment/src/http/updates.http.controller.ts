import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res, Inject } from '@nestjs/common';
import { Admin, AdminApi, type AdminPrincipal, parseAdminInput, ApiOperation } from '#platform';
import { DeploymentApi } from '../application/deployment-api.service.js';
import { approveUpdateBody, guidInput, removeApprovalInput } from '../application/deployment.schemas.js';
import { type AdminRequest, callerOf, type ReplyLike } from './admin-request.js';

/** Approvals and declines (MS-WSUSOD 2.5.3.3). */
@AdminApi()
@Controller('api/v1/updates')
export class UpdatesHttpController {
  constructor(@Inject(DeploymentApi) private readonly api: DeploymentApi) {}

  @ApiOperation({ summary: 'An update\'s approvals per group' })
  @Get(':updateId/approvals')
  approvals(@Param('updateId') rawId: string): Promise<unknown> {
    return this.api.queries.approvalsForUpdate(parseAdminInput(guidInput, rawId, 'update id'));
  }

  /** 201 when an approval was stored, 200 when the same one already was; warnings (superseded) in the body. */
  @ApiOperation({
    summary:
      'Approve an update revision for a group (Install, Uninstall, …) with an optional deadline. An install approval of an update with a EULA ' +
      '(or a bundle whose members have one) is refused with 409 EULA.NOT_ACCEPTED until its license terms are accepted: earlier, or here with acceptEula: true',
    body: approveUpdateBody,
    responses: { 200: 'Unchanged (identical approval)', 201: 'Approved: {approval, warnings, acceptedEulas}' },
  })
  @Post(':updateId/approvals')
  async approve(
    @Param('updateId') rawId: string,
    @Body() body: unknown,
    @Admin() admin: AdminPrincipal,
    @Req() req: AdminRequest,
    @Res({ passthrough: true }) reply: ReplyLike,
  ): Promise<unknown> {
    const updateId = parseAdminInput(guidInput, rawId, 'update id');
    const input = parseAdminInput(approveUpdateBody, body, 'approval');
    const { result, warnings, changed, acceptedEulas } = await this.api.approveUpdate({ updateId, ...input }, callerOf(admin, req));
    reply.status(changed ? 201 : 200);
    return { approval: result, warnings, acceptedEulas };
  }

  /** The group comes as `?groupId=` (or a JSON body `{ "groupId": … }` for clients that send one). */
  @ApiOperation({ summary: 'Remove an update\'s approval for a group (groupId in the query or body)' })
  @Delete(':updateId/approvals')
  async removeApproval(
    @Param('updateId') rawId: string,
    @Query() query: Record<string, unknown>,
    @Body() body: unknown,
    @Admin() admin: AdminPrincipal,
    @Req() req: AdminRequest,
  ): Promise<unknown> {
    const updateId = parseAdminInput(guidInput, rawId, 'update id');
    const source = Object.keys(query ?? {}).length > 0 || body === undefined || body === null ? query : body;
    const { groupId } = parseAdminInput(removeApprovalInput, source ?? {}, 'approval');
    return (await this.api.removeApproval({ updateId, groupId }, callerOf(admin, req))).result;
  }

  @ApiOperation({ summary: 'Decline an update: its approvals are removed and clients stop seeing it' })
  @Post(':updateId/decline')
  @HttpCode(200)
  async decline(@Param('updateId') rawId: string, @Admin() admin: AdminPrincipal, @Req() req: AdminRequest): Promise<unknown> {
    const updateId = parseAdminInput(guidInput, rawId, 'update id');
    const { result, changed } = await this.api.declineUpdate({ updateId }, callerOf(admin, req));
    return { ...result, changed };
  }

  @ApiOperation({ summary: 'Un-decline an update (approvals are not restored)' })
  @Post(':updateId/undecline')
  @HttpCode(200)
  async undecline(@Param('updateId') rawId: string, @Admin() admin: AdminPrincipal, @Req() req: AdminRequest): Promise<unknown> {
    const updateId = parseAdminInput(guidInput, rawId, 'update id');
    const { result, changed } = await this.api.undeclineUpdate({ updateId }, callerOf(admin, req));
    return { ...result, changed };
  }
}
