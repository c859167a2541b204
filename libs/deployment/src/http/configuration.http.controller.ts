import { Body, Controller, Get, Headers, HttpCode, Post, Put, Req, Res, Inject } from '@nestjs/common';
import { Admin, AdminApi, type AdminPrincipal, parseAdminInput, parseIfMatchVersion, versionEtag, ApiOperation } from '#platform';
import { DeploymentApi } from '../application/deployment-api.service.js';
import { resetClientStateBody, targetingModeBody } from '../application/deployment.schemas.js';
import { serverConfigurationInput } from '../configure-server/server-configuration.js';
import { type AdminRequest, callerOf, type ReplyLike } from './admin-request.js';

/**
 * Server configuration (MS-WSUSOD 2.5.3.1). The whole configuration is one resource whose ETag is
 * the configuration stream's version: two administrators editing it at once get a 412, not a silent
 * overwrite. The targeting mode also keeps its own small resource.
 */
@AdminApi()
@Controller('api/v1/configuration')
export class ConfigurationHttpController {
  constructor(@Inject(DeploymentApi) private readonly api: DeploymentApi) {}

  @ApiOperation({ summary: 'The server configuration: role, upstream, sync schedule, rollup, targeting, what to keep, content; ETag = version' })
  @Get()
  async show(@Res({ passthrough: true }) reply: ReplyLike): Promise<unknown> {
    const configuration = await this.api.queries.configuration();
    reply.header('etag', versionEtag(configuration.version));
    return configuration;
  }

  /** The body is validated by the decider (CONFIGURATION.INVALID with every issue); only a JSON object is required here. */
  @ApiOperation({ summary: 'Replace the server configuration (If-Match: the ETag read; 412 when it moved on)', body: serverConfigurationInput, responses: { 412: 'The configuration changed since it was read' } })
  @Put()
  async replace(
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Admin() admin: AdminPrincipal,
    @Req() req: AdminRequest,
    @Res({ passthrough: true }) reply: ReplyLike,
  ): Promise<unknown> {
    const expectedVersion = parseIfMatchVersion(ifMatch);
    const { result, changed } = await this.api.configureServer({ settings: body ?? null, expectedVersion }, callerOf(admin, req));
    reply.header('etag', versionEtag(result.version));
    return { ...result, changed };
  }

  @ApiOperation({
    summary: 'Reset the client state after a restore from backup: every client cookie issued before now gets ServerChanged, and clients re-handshake and re-map their caches (RefreshCache)',
    body: resetClientStateBody,
  })
  @Post('client-state-reset')
  @HttpCode(201)
  async resetClientState(@Body() body: unknown, @Admin() admin: AdminPrincipal, @Req() req: AdminRequest): Promise<unknown> {
    const input = parseAdminInput(resetClientStateBody, body ?? {}, 'client state reset');
    return this.api.resetClientState(input, callerOf(admin, req));
  }

  @ApiOperation({ summary: 'Server-side or client-side targeting' })
  @Get('targeting-mode')
  get(): Promise<unknown> {
    return this.api.queries.targetingMode();
  }

  @ApiOperation({ summary: 'Set the targeting mode', body: targetingModeBody })
  @Put('targeting-mode')
  async set(@Body() body: unknown, @Admin() admin: AdminPrincipal, @Req() req: AdminRequest): Promise<unknown> {
    const input = parseAdminInput(targetingModeBody, body, 'targeting mode');
    const { result, changed } = await this.api.setTargetingMode(input, callerOf(admin, req));
    return { ...result, changed };
  }
}
