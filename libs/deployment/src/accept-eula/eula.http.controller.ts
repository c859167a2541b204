import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { Admin, AdminApi, type AdminPrincipal, ApiOperation, parseAdminInput } from '#platform';
import { causationContext, DeploymentApi } from '../application/deployment-api.service.js';
import { acceptEulaBody, eulaQuery, guidInput } from '../application/deployment.schemas.js';
import { type AdminRequest, callerOf, type ReplyLike } from '../http/admin-request.js';
import { EulaQueryService } from './eula.query.js';

/**
 * License terms (MS-WSUSOD 2.5.3.3 "When an update has a EULA, it must be accepted"): read them,
 * accept them. Approving for Install with `acceptEula: true` accepts them in the same request.
 */
@AdminApi()
@Controller('api/v1/updates')
export class EulaHttpController {
  constructor(
    @Inject(DeploymentApi) private readonly api: DeploymentApi,
    @Inject(EulaQueryService) private readonly eulas: EulaQueryService,
  ) {}

  @ApiOperation({
    summary: 'The license terms an install of the update involves (its own and its bundled updates\'), whether each is accepted, and the text in a locale',
    query: eulaQuery,
    responses: { 200: '{updateId, revisionNumber, accepted, eulas: [{eulaId, updateId, revisionNumber, accepted, available, files: [{locale, fileName, text…}]}]}' },
  })
  @Get(':updateId/eula')
  async read(@Param('updateId') rawId: string, @Query() raw: unknown, @Admin() admin: AdminPrincipal, @Req() req: AdminRequest): Promise<unknown> {
    const updateId = parseAdminInput(guidInput, rawId, 'update id');
    const q = parseAdminInput(eulaQuery, raw ?? {}, 'query');
    const ctx = causationContext(callerOf(admin, req));
    return this.eulas.eulas(
      { updateId, revisionNumber: q.revisionNumber === undefined ? undefined : Number(q.revisionNumber), locales: q.locale?.split(',') ?? [] },
      ctx.correlationId,
    );
  }

  /** 201 when a EULA was accepted now, 200 when every one already was. */
  @ApiOperation({
    summary: 'Accept the license terms of the update revision (latest by default) and of the updates it bundles',
    body: acceptEulaBody,
    responses: { 200: 'Already accepted', 201: 'Accepted: {acceptedEulas: [{eulaId, updateId, revisionNumber, acceptedAt, acceptedBy}]}' },
  })
  @Post(':updateId/eula/acceptance')
  async accept(
    @Param('updateId') rawId: string,
    @Body() body: unknown,
    @Admin() admin: AdminPrincipal,
    @Req() req: AdminRequest,
    @Res({ passthrough: true }) reply: ReplyLike,
  ): Promise<unknown> {
    const updateId = parseAdminInput(guidInput, rawId, 'update id');
    const input = parseAdminInput(acceptEulaBody, body ?? {}, 'acceptance');
    const { result, changed } = await this.api.acceptEula({ updateId, ...input }, callerOf(admin, req));
    reply.status(changed ? 201 : 200);
    return result;
  }
}
