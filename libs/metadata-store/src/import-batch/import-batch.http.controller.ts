import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { Admin, AdminApi, type AdminPrincipal, ApiOperation, parseAdminInput } from '#platform';
import { type AdminHttpRequest, adminRequestContext } from '../catalog-http/admin-request-context.js';
import { ImportBatchRequest, type ImportBatchReply, MAX_IMPORT_BATCH_DOCUMENTS } from './import-batch.api.js';
import { ImportBatchUseCase } from './import-batch.use-case.js';


/**
 * Bulk import for administrators and scripts filling a catalog: many documents per request, all or
 * nothing (see ImportBatchUseCase). Same body limit as the single import (8 MiB of JSON).
 */
@AdminApi()
@Controller('api/v1/updates')
export class ImportBatchHttpController {
  constructor(@Inject(ImportBatchUseCase) private readonly importBatch: ImportBatchUseCase) {}

  @ApiOperation({
    summary:
      `Import up to ${MAX_IMPORT_BATCH_DOCUMENTS} WSUS update documents (each as POST /api/v1/updates/import takes it) in one transaction, in order. ` +
      'All or nothing: a refused document (error details.index names it) leaves the catalog unchanged. The request is one synchronization run',
    body: ImportBatchRequest,
    responses: { 200: 'Imported: {results: [{revisionId, updateId, revisionNumber, created, change, storedFiles}] in request order, synchronizationId}' },
  })
  @Post('import-batch')
  @HttpCode(200)
  async import(@Body() body: unknown, @Admin() admin: AdminPrincipal, @Req() request: AdminHttpRequest): Promise<ImportBatchReply> {
    const input = parseAdminInput(ImportBatchRequest, body, 'import batch');
    const context = adminRequestContext(admin, request);
    return this.importBatch.execute(
      input.documents.map((d) => ({
        xml: d.xml,
        source: d.source,
        files: (d.files ?? []).map((f) => ({ fileName: f.fileName, ...(f.sha1 === undefined ? {} : { sha1: f.sha1 }), content: Buffer.from(f.contentBase64, 'base64') })),
      })),
      context,
    );
  }
}
