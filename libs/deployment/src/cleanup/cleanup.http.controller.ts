import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { z } from 'zod';
import { Admin, AdminApi, type AdminPrincipal, ApiOperation, parseAdminInput } from '#platform';
import { type AdminRequest, callerOf } from '../http/admin-request.js';
import { CleanupService } from './cleanup.service.js';

export const cleanupRunBody = z.strictObject({
  /** Decide and report what would go, change nothing (the run is still recorded, as a dry run). */
  dryRun: z.boolean({ error: 'must be true or false' }).default(false),
});
const runIdInput = z.string().uuid('must be a cleanup run id (a UUID)');

/**
 * Cleanup (retention): run now, and the history of runs, manual and scheduled. The schedule and the
 * retention periods are part of the configuration (PUT /api/v1/configuration, `retention`).
 */
@AdminApi()
@Controller('api/v1/cleanup/runs')
export class CleanupHttpController {
  constructor(@Inject(CleanupService) private readonly cleanup: CleanupService) {}

  @ApiOperation({
    summary:
      'Run a cleanup now: expire superseded and declined updates past their retention (approvals removed, declined, never offered again), ' +
      'remove computers that stopped contacting the server, delete client report events older than reportEventDays (current statuses kept), ' +
      'delete the content files no live update names and old uploads no live update uses (counts and bytes freed). ' +
      'dryRun: true reports what would go and changes nothing. 409 CLEANUP.ALREADY_RUNNING while another run (any replica) is in progress',
    body: cleanupRunBody,
    responses: { 201: 'The run, with its counts', 409: 'Another cleanup run is in progress' },
  })
  @Post()
  @HttpCode(201)
  async run(@Body() body: unknown, @Admin() admin: AdminPrincipal, @Req() req: AdminRequest): Promise<unknown> {
    const input = parseAdminInput(cleanupRunBody, body ?? {}, 'cleanup run');
    return this.cleanup.run({ trigger: 'manual', dryRun: input.dryRun, slot: null }, callerOf(admin, req));
  }

  @ApiOperation({ summary: 'Cleanup runs, newest first: trigger, dry run, status, counts per kind' })
  @Get()
  async history(): Promise<unknown> {
    const runs = await this.cleanup.runs();
    return { runs, total: runs.length };
  }

  @ApiOperation({ summary: 'One cleanup run, with the ids of the updates it expired, the computers it removed and the content paths it deleted' })
  @Get(':runId')
  show(@Param('runId') rawId: string): Promise<unknown> {
    return this.cleanup.runById(parseAdminInput(runIdInput, rawId, 'cleanup run id'));
  }
}
