import { Body, Controller, Delete, Get, Headers, Param, Patch, Post, Query, Req, Res, Inject } from '@nestjs/common';
import { Admin, AdminApi, type AdminPrincipal, parseAdminInput, parseIfMatchVersion, versionEtag, ApiOperation } from '#platform';
import { DeploymentApi } from '../application/deployment-api.service.js';
import { createGroupBody, deleteGroupQuery, guidInput, renameGroupBody } from '../application/deployment.schemas.js';
import { type AdminRequest, callerOf, type ReplyLike } from './admin-request.js';

/** Computer groups (MS-WSUSOD 2.5.3.2). Each group carries an ETag (its stream version); PATCH and DELETE honour If-Match. */
@AdminApi()
@Controller('api/v1/groups')
export class GroupsHttpController {
  constructor(@Inject(DeploymentApi) private readonly api: DeploymentApi) {}

  @ApiOperation({ summary: 'List computer groups with their parents, member counts and versions' })
  @Get()
  async list(): Promise<unknown> {
    return { groups: await this.api.queries.groups() };
  }

  @ApiOperation({ summary: 'Computer groups as a tree under All Computers' })
  @Get('tree')
  async tree(): Promise<unknown> {
    return { tree: await this.api.queries.tree() };
  }

  @ApiOperation({ summary: 'One group; its ETag is the version to send in If-Match' })
  @Get(':groupId')
  async get(@Param('groupId') rawId: string, @Res({ passthrough: true }) reply: ReplyLike): Promise<unknown> {
    const group = await this.api.queries.group(parseAdminInput(guidInput, rawId, 'group id'));
    reply.header('etag', versionEtag(group.version));
    return group;
  }

  @ApiOperation({ summary: 'Create a group (under All Computers unless parentId is given)', body: createGroupBody, responses: { 201: 'Created; ETag and Location headers' } })
  @Post()
  async create(@Body() body: unknown, @Admin() admin: AdminPrincipal, @Req() req: AdminRequest, @Res({ passthrough: true }) reply: ReplyLike): Promise<unknown> {
    const input = parseAdminInput(createGroupBody, body, 'group');
    const { result } = await this.api.createGroup(input, callerOf(admin, req));
    reply.status(201).header('etag', versionEtag(result.version)).header('location', `/api/v1/groups/${result.id}`);
    return result;
  }

  @ApiOperation({ summary: 'Rename a group', body: renameGroupBody })
  @Patch(':groupId')
  async rename(
    @Param('groupId') rawId: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Admin() admin: AdminPrincipal,
    @Req() req: AdminRequest,
    @Res({ passthrough: true }) reply: ReplyLike,
  ): Promise<unknown> {
    const groupId = parseAdminInput(guidInput, rawId, 'group id');
    const { name } = parseAdminInput(renameGroupBody, body, 'group');
    const { result } = await this.api.renameGroup({ groupId, name, expectedVersion: parseIfMatchVersion(ifMatch) }, callerOf(admin, req));
    reply.header('etag', versionEtag(result.version));
    return result;
  }

  /** `?moveMembersToUnassigned=true` is required to delete a group that still has computers. */
  @ApiOperation({ summary: 'Delete a group without children; moveMembersToUnassigned=true is required when it has computers', query: deleteGroupQuery })
  @Delete(':groupId')
  async remove(
    @Param('groupId') rawId: string,
    @Query() query: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Admin() admin: AdminPrincipal,
    @Req() req: AdminRequest,
  ): Promise<unknown> {
    const groupId = parseAdminInput(guidInput, rawId, 'group id');
    const { moveMembersToUnassigned } = parseAdminInput(deleteGroupQuery, query ?? {}, 'query');
    const { result } = await this.api.deleteGroup({ groupId, moveMembersToUnassigned, expectedVersion: parseIfMatchVersion(ifMatch) }, callerOf(admin, req));
    return result;
  }
}
