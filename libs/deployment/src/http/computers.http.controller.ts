import { Body, Controller, Get, Param, Put, Req, Inject } from '@nestjs/common';
import { Admin, AdminApi, type AdminPrincipal, parseAdminInput, ApiOperation } from '#platform';
import { DeploymentApi } from '../application/deployment-api.service.js';
import { assignComputerBody, computerIdInput } from '../application/deployment.schemas.js';
import { type AdminRequest, callerOf } from './admin-request.js';

/** Server-side targeting: which groups a computer is in, and what applies to it as a result. */
@AdminApi()
@Controller('api/v1/computers')
export class ComputersHttpController {
  constructor(@Inject(DeploymentApi) private readonly api: DeploymentApi) {}

  @ApiOperation({ summary: 'A computer\'s groups (and their ancestors)' })
  @Get(':computerId/groups')
  groups(@Param('computerId') rawId: string): Promise<unknown> {
    return this.api.queries.computerGroups(parseAdminInput(computerIdInput, rawId, 'computer id'));
  }

  /** Replaces the computer's groups; `{ "groupIds": [] }` puts it in Unassigned Computers. */
  @ApiOperation({ summary: 'Replace a computer\'s groups (server-side targeting; empty = Unassigned Computers)', body: assignComputerBody })
  @Put(':computerId/groups')
  async assign(@Param('computerId') rawId: string, @Body() body: unknown, @Admin() admin: AdminPrincipal, @Req() req: AdminRequest): Promise<unknown> {
    const computerId = parseAdminInput(computerIdInput, rawId, 'computer id');
    const { groupIds } = parseAdminInput(assignComputerBody, body, 'membership');
    const { result, changed } = await this.api.assignComputer({ computerId, groupIds }, callerOf(admin, req));
    return { ...result, changed };
  }

  @ApiOperation({ summary: 'The approvals that apply to a computer, after inheritance and declines' })
  @Get(':computerId/deployments')
  deployments(@Param('computerId') rawId: string): Promise<unknown> {
    return this.api.effectiveDeployments(parseAdminInput(computerIdInput, rawId, 'computer id'));
  }
}
