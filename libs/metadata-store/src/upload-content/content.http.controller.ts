import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { Controller, Delete, Get, Inject, Param, Put, Req, Res } from '@nestjs/common';
import { CodedError } from '#contracts';
import { Admin, AdminApi, type AdminPrincipal, ApiOperation, WATERSHED_CONFIG, type WatershedConfig } from '#platform';
import { adminRequestContext, headerOf } from '../catalog-http/admin-request-context.js';
import { MetadataErrorCodes } from '../metadata-store.errors.js';
import { UploadedContentService } from './uploaded-content.service.js';
import { MAX_DRAIN_BYTES, tooLarge } from './uploaded-content.store.js';
import { UPLOAD_MEDIA_TYPE } from './upload-body.parser.js';

interface HttpRequest {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
}
interface Reply {
  status(code: number): Reply;
  header(name: string, value: string | number): Reply;
  send(body?: unknown): unknown;
}

/**
 * Content uploads for administrators: a package's bytes travel once, raw and streamed, addressed
 * by their SHA-256, and a publish or import then names them by digest. This is the one admin route
 * whose body is not JSON and not bound by the 8 MiB body limit (upload-body.parser.ts); its own
 * bound is WATERSHED_UPLOAD_MAX_BYTES.
 */
@AdminApi()
@Controller('api/v1/content')
export class ContentHttpController {
  constructor(
    @Inject(UploadedContentService) private readonly uploads: UploadedContentService,
    @Inject(WATERSHED_CONFIG) private readonly config: WatershedConfig,
  ) {}

  @ApiOperation({
    summary:
      'Upload a file (raw bytes, application/octet-stream), streamed to disk and kept under its SHA-256 if the bytes hash to the one in the URL; ' +
      'an upload already held is accepted as is. Publish and import then name it by digest',
    rawBody: UPLOAD_MEDIA_TYPE,
    responses: { 200: 'Already uploaded: {sha256, sha1, size, created: false}', 201: 'Stored: {sha256, sha1, size, created: true}' },
  })
  @Put(':sha256')
  async upload(@Param('sha256') sha256: string, @Admin() admin: AdminPrincipal, @Req() request: HttpRequest, @Res({ passthrough: true }) reply: Reply) {
    const type = headerOf(request, 'content-type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== UPLOAD_MEDIA_TYPE || !isStream(request.body)) {
      throw new CodedError(MetadataErrorCodes.UnsupportedMediaType, `an upload is the file's raw bytes as ${UPLOAD_MEDIA_TYPE}, not ${type ?? 'a body without Content-Type'}`);
    }
    const declared = Number(headerOf(request, 'content-length') ?? NaN);
    // Refused before reading when the client says up front it is too large to drain.
    if (Number.isFinite(declared) && declared > this.config.uploadMaxBytes + MAX_DRAIN_BYTES) {
      reply.header('connection', 'close');
      throw tooLarge(this.config.uploadMaxBytes);
    }
    let result;
    try {
      result = await this.uploads.upload(request.body, sha256, { maxBytes: this.config.uploadMaxBytes }, adminRequestContext(admin, request));
    } catch (error) {
      // A refused body may be partly unread: this connection cannot carry another request.
      reply.header('connection', 'close');
      throw error;
    }
    reply.status(result.created ? 201 : 200);
    return { sha256: result.sha256, sha1: result.sha1, size: result.size, created: result.created };
  }

  @ApiOperation({
    summary: 'An uploaded file: its bytes (HEAD: only the headers), with X-Content-SHA256, X-Content-SHA1 (base64) and Content-Length',
    responses: { 200: 'The bytes (application/octet-stream)' },
  })
  @Get(':sha256')
  async download(@Param('sha256') sha256: string, @Res() reply: Reply): Promise<void> {
    const found = await this.uploads.describe(sha256);
    if (found === null) throw new CodedError(MetadataErrorCodes.ContentNotFound, `no content with SHA-256 ${sha256.slice(0, 80)} is uploaded`);
    reply
      .status(200)
      .header('content-type', UPLOAD_MEDIA_TYPE)
      .header('content-length', found.size)
      .header('x-content-sha256', found.sha256)
      .header('x-content-sha1', found.sha1)
      .header('etag', `"${found.sha256}"`);
    reply.send(createReadStream(this.uploads.files.pathOf(found.sha256)));
  }

  @ApiOperation({
    summary: 'Delete an uploaded file; refused (CONTENT.IN_USE) while a revision in the catalog has it as a file or license file',
    responses: { 200: 'Deleted: {sha256, sha1, size, deleted: true}' },
  })
  @Delete(':sha256')
  async remove(@Param('sha256') sha256: string, @Admin() admin: AdminPrincipal, @Req() request: HttpRequest) {
    const removed = await this.uploads.delete(sha256.toLowerCase(), adminRequestContext(admin, request));
    return { ...removed, deleted: true };
  }
}

function isStream(body: unknown): body is Readable {
  return typeof body === 'object' && body !== null && typeof (body as Readable).pipe === 'function';
}


