import { Body, Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { EventStore } from '#event-store';
import { Admin, AdminApi, type AdminPrincipal, ApiOperation, EVENT_STORE, LOGGER, type Logger, parseAdminInput } from '#platform';
import { readFile } from 'node:fs/promises';
import { CodedError } from '#contracts';
import { type ImportUpdateReply } from '../metadata-store.api.js';
import { decodeText } from '../get-eula/get-eula.query.js';
import type { ImportFile } from '../import-update/import-update.use-case.js';
import { MetadataErrorCodes } from '../metadata-store.errors.js';
import { UploadedContentService } from '../upload-content/uploaded-content.service.js';
import { ImportUpdateHttpRequest, MAX_UPLOADED_DOCUMENT_BYTES } from './import-update.http.request.js';
import { ImportUpdateUseCase } from '../import-update/import-update.use-case.js';
import { importAsSynchronization } from '../import-update/import-synchronization.js';
import { type AdminHttpRequest, adminRequestContext } from './admin-request-context.js';
import { PublishUpdateBusRequest, type PublishUpdateReply } from '../publish-update/publish-update.api.js';
import { publishCommand } from '../publish-update/publish-update.rpc.controller.js';
import { PublishUpdateUseCase } from '../publish-update/publish-update.use-case.js';

type HttpRequest = AdminHttpRequest;
interface Reply {
  status(code: number): Reply;
}

/**
 * Publishing and import for administrators (MS-WSUSOD's local publishing): the same use cases as the
 * bus commands, behind the admin token. Small files may travel base64 in the JSON body (bounded by
 * the 8 MiB HTTP body limit); anything larger is uploaded first (PUT /api/v1/content/{sha256},
 * streamed) and named here by its SHA-256.
 */
@AdminApi()
@Controller('api/v1/updates')
export class CatalogHttpController {
  constructor(
    @Inject(ImportUpdateUseCase) private readonly importUpdate: ImportUpdateUseCase,
    @Inject(PublishUpdateUseCase) private readonly publishUpdate: PublishUpdateUseCase,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(UploadedContentService) private readonly uploads: UploadedContentService,
  ) {}

  @ApiOperation({
    summary: 'Publish a locally authored update (metadata, applicability rules, installer, files); re-publishing an update id makes its next revision',
    body: PublishUpdateBusRequest,
    responses: { 201: 'Published: {updateId, revisionNumber, revisionId}' },
  })
  @Post('publish')
  async publish(@Body() body: unknown, @Admin() admin: AdminPrincipal, @Req() request: HttpRequest, @Res({ passthrough: true }) reply: Reply): Promise<PublishUpdateReply> {
    const input = parseAdminInput(PublishUpdateBusRequest, body, 'update');
    const result = await this.publishUpdate.execute(publishCommand(input), adminRequestContext(admin, request));
    reply.status(201);
    return result;
  }

  @ApiOperation({
    summary:
      'Import a WSUS update document (inline xml, or documentSha256 naming an upload) and optionally its files, license files included ' +
      '(inline base64, or sha256 naming an upload); the same revision again is a no-op. ' +
      'Each request is recorded as a synchronization run (GET /api/v1/reports/synchronizations)',
    body: ImportUpdateHttpRequest,
    responses: { 200: 'Already in the catalog', 201: 'Imported: {revisionId, updateId, revisionNumber, created, change, storedFiles, synchronizationId}' },
  })
  @Post('import')
  async import(@Body() body: unknown, @Admin() admin: AdminPrincipal, @Req() request: HttpRequest, @Res({ passthrough: true }) reply: Reply): Promise<ImportUpdateReply & { synchronizationId: string }> {
    const input = parseAdminInput(ImportUpdateHttpRequest, body, 'update document');
    const xml = input.xml ?? (await this.uploadedDocument(input.documentSha256!));
    const files: ImportFile[] = [];
    for (const [i, f] of (input.files ?? []).entries()) {
      const sha1 = f.sha1 === undefined ? {} : { sha1: f.sha1 };
      if ('contentBase64' in f) {
        files.push({ fileName: f.fileName, ...sha1, content: Buffer.from(f.contentBase64, 'base64') });
        continue;
      }
      const upload = await this.uploads.resolve(f.sha256, `files.${i}`);
      files.push({ fileName: f.fileName, ...sha1, content: { verifiedPath: upload.path, sha1: upload.sha1, sha256: upload.sha256Base64, size: upload.size } });
    }
    const result = await importAsSynchronization(
      this.store,
      this.importUpdate,
      { xml, source: input.source, files },
      adminRequestContext(admin, request),
      (error) => this.logger.error({ err: error }, 'could not record the end of an import\'s synchronization run'),
    );
    reply.status(result.created ? 201 : 200);
    return result;
  }

  private async uploadedDocument(sha256Hex: string): Promise<string> {
    const upload = await this.uploads.resolve(sha256Hex, 'documentSha256');
    if (upload.size > MAX_UPLOADED_DOCUMENT_BYTES) {
      throw new CodedError(MetadataErrorCodes.InvalidDocument, `the uploaded document is ${upload.size} bytes; an update document is at most ${MAX_UPLOADED_DOCUMENT_BYTES}`);
    }
    return decodeText(await readFile(upload.path));
  }
}

