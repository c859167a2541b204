import { Body, Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { CausationContext } from '#contracts';
import type { EventStore } from '#event-store';
import { Admin, AdminApi, type AdminPrincipal, ApiOperation, EVENT_STORE, LOGGER, type Logger, parseAdminInput } from '#platform';
import { ImportUpdateRequest, type ImportUpdateReply } from '../metadata-store.api.js';
import { ImportUpdateUseCase } from '../import-update/import-update.use-case.js';
import { importAsSynchronization } from '../import-update/import-synchronization.js';
import { causationContext } from '../metadata-store.bus.js';
import { PublishUpdateBusRequest, type PublishUpdateReply } from '../publish-update/publish-update.api.js';
import { publishCommand } from '../publish-update/publish-update.rpc.controller.js';
import { PublishUpdateUseCase } from '../publish-update/publish-update.use-case.js';

interface HttpRequest {
  readonly headers: Record<string, string | string[] | undefined>;
}
interface Reply {
  status(code: number): Reply;
}

/**
 * Publishing and import for administrators (MS-WSUSOD's local publishing): the same use cases as the
 * bus commands, behind the admin token. Files travel base64 in the JSON body, so one request is
 * bounded by the HTTP body limit (8 MiB); larger packages need the streaming upload (not built yet).
 */
@AdminApi()
@Controller('api/v1/updates')
export class CatalogHttpController {
  constructor(
    @Inject(ImportUpdateUseCase) private readonly importUpdate: ImportUpdateUseCase,
    @Inject(PublishUpdateUseCase) private readonly publishUpdate: PublishUpdateUseCase,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @ApiOperation({
    summary: 'Publish a locally authored update (metadata, applicability rules, installer, files); re-publishing an update id makes its next revision',
    body: PublishUpdateBusRequest,
    responses: { 201: 'Published: {updateId, revisionNumber, revisionId}' },
  })
  @Post('publish')
  async publish(@Body() body: unknown, @Admin() admin: AdminPrincipal, @Req() request: HttpRequest, @Res({ passthrough: true }) reply: Reply): Promise<PublishUpdateReply> {
    const input = parseAdminInput(PublishUpdateBusRequest, body, 'update');
    const result = await this.publishUpdate.execute(publishCommand(input), contextOf(admin, request));
    reply.status(201);
    return result;
  }

  @ApiOperation({
    summary:
      'Import a WSUS update document (and optionally its files, license files included); the same revision again is a no-op. ' +
      'Each request is recorded as a synchronization run (GET /api/v1/reports/synchronizations)',
    body: ImportUpdateRequest,
    responses: { 200: 'Already in the catalog', 201: 'Imported: {revisionId, updateId, revisionNumber, created, change, storedFiles, synchronizationId}' },
  })
  @Post('import')
  async import(@Body() body: unknown, @Admin() admin: AdminPrincipal, @Req() request: HttpRequest, @Res({ passthrough: true }) reply: Reply): Promise<ImportUpdateReply & { synchronizationId: string }> {
    const input = parseAdminInput(ImportUpdateRequest, body, 'update document');
    const result = await importAsSynchronization(
      this.store,
      this.importUpdate,
      {
        xml: input.xml,
        source: input.source,
        files: (input.files ?? []).map((f) => ({ fileName: f.fileName, ...(f.sha1 === undefined ? {} : { sha1: f.sha1 }), content: Buffer.from(f.contentBase64, 'base64') })),
      },
      contextOf(admin, request),
      (error) => this.logger.error({ err: error }, 'could not record the end of an import\'s synchronization run'),
    );
    reply.status(result.created ? 201 : 200);
    return result;
  }
}

function contextOf(admin: AdminPrincipal, request: HttpRequest): CausationContext {
  const header = (name: string): string | null => {
    const v = request.headers[name];
    return (Array.isArray(v) ? v[0] : v) ?? null;
  };
  return causationContext({ correlationId: header('x-correlation-id'), causationId: null, traceparent: header('traceparent') }, admin.actor);
}
