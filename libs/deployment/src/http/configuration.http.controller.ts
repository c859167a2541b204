import { Body, Controller, Get, Put, Req, Inject } from '@nestjs/common';
import { Admin, AdminApi, type AdminPrincipal, parseAdminInput, ApiOperation } from '#platform';
import { DeploymentApi } from '../application/deployment-api.service.js';
import { targetingModeBody } from '../application/deployment.schemas.js';
import { type AdminRequest, callerOf } from './admin-request.js';

/** The targeting mode (MS-WSUSOD 2.5.3.1: groups from client configuration or from the server). */
@AdminApi()
@Controller('api/v1/configuration')
export class ConfigurationHttpController {
  constructor(@Inject(DeploymentApi) private readonly api: DeploymentApi) {}

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
