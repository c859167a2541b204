import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LOGGER, type Logger, WATERSHED_CONFIG, type WatershedConfig } from '#platform';
import { fastifyForRoutes } from '../http-routes/fastify-routes.js';
import { findContentFile } from './content-file.reader.js';
import { type FileSegment, writeFileSegments } from './file-range.writer.js';
import { sendHijacked } from './hijacked-response.js';
import { type ByteRange, parseRangeHeader } from './domain/byte-ranges.js';
import { parseContentPath } from './domain/content-url.js';

const MIME: Readonly<Record<string, string>> = {
  cab: 'application/vnd.ms-cab-compressed',
  exe: 'application/octet-stream',
  msi: 'application/x-msi',
  msu: 'application/octet-stream',
  psf: 'application/octet-stream',
  esd: 'application/octet-stream',
};

const CONTENT_ROUTE = '/Content/:dir/:file';

/**
 * `/Content/XX/<SHA1>.<ext>`: update files, by digest. Files are immutable (a new file has a new
 * digest), so the ETag is the digest and caches may keep them forever. Ranges as RFC 9110.
 *
 * A plain Fastify route, as the SOAP endpoints are (wusp.http.routes.ts), not a Nest controller:
 * a client downloads an update in 1 MiB ranges, one request each, and the content benchmark measures
 * this route against Fastify serving the same file; Nest's per-request pipeline (context, params,
 * the promise around the handler) has nothing to add here. Fastify also answers HEAD through it
 * (exposeHeadRoutes); no file is opened for a HEAD.
 */
@Injectable()
export class ContentHttpRoutes implements OnModuleInit {
  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(WATERSHED_CONFIG) private readonly config: WatershedConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    const fastify = fastifyForRoutes(this.adapterHost, 'content');
    fastify?.get<{ Params: { dir: string; file: string } }>(CONTENT_ROUTE, (request, reply) =>
      this.serve(request.params.dir, request.params.file, request, reply, request.method !== 'HEAD'),
    );
  }

  private async serve(dir: string, fileName: string, request: FastifyRequest, reply: FastifyReply, withBody: boolean): Promise<void> {
    const address = parseContentPath(dir, fileName);
    const file = address ? await findContentFile(this.config.contentDir, address) : null;
    if (!address || !file) {
      await reply.code(404).type('text/plain').send('not found');
      return;
    }
    const etag = `"${address.sha1Hex}"`;
    const type = MIME[address.extension.toLowerCase()] ?? 'application/octet-stream';
    reply
      .header('accept-ranges', 'bytes')
      .header('etag', etag)
      .header('last-modified', file.modified.toUTCString())
      .header('cache-control', 'public, max-age=31536000, immutable');

    if (request.headers['if-none-match'] === etag) {
      await reply.code(304).send();
      return;
    }
    const ifRange = request.headers['if-range'];
    const rangeApplies = ifRange === undefined || ifRange === etag || ifRange === file.modified.toUTCString();
    const range = rangeApplies ? parseRangeHeader(request.headers.range, file.size) : { kind: 'none' as const };

    if (range.kind === 'unsatisfiable') {
      await reply.code(416).header('content-range', `bytes */${file.size}`).send();
      return;
    }
    if (range.kind === 'none') {
      reply.code(200).type(type).header('content-length', file.size);
      if (withBody && file.size > 0) await this.sendBody(reply, file.path, [{ start: 0, end: file.size - 1 }]);
      else await reply.send(noBody());
      return;
    }
    if (range.ranges.length === 1) {
      const { start, end } = range.ranges[0]!;
      reply.code(206).type(type).header('content-range', `bytes ${start}-${end}/${file.size}`).header('content-length', end - start + 1);
      if (withBody) await this.sendBody(reply, file.path, [{ start, end }]);
      else await reply.send(noBody());
      return;
    }
    const boundary = randomBytes(12).toString('hex');
    const parts = range.ranges.map((r) => ({ ...r, before: partHeader(boundary, type, r, file.size) }));
    const closing = `\r\n--${boundary}--\r\n`;
    const length = parts.reduce((n, p) => n + Buffer.byteLength(p.before) + (p.end - p.start + 1), 0) + closing.length;
    reply.code(206).header('content-type', `multipart/byteranges; boundary=${boundary}`).header('content-length', length);
    if (withBody) await this.sendBody(reply, file.path, parts, closing);
    else await reply.send(noBody());
  }

  /** The segments of the file as the response body (then `closing`), straight to the socket. */
  private sendBody(reply: FastifyReply, path: string, segments: readonly FileSegment[], closing?: string): Promise<void> {
    return sendHijacked(
      reply,
      async (out) => {
        await writeFileSegments(path, segments, out);
        if (closing !== undefined) out.write(closing);
      },
      (error) => this.logger.warn({ err: error, url: reply.request.url }, 'content response cut short'),
    );
  }
}

/**
 * For HEAD: an empty stream keeps the Content-Length we set (a string payload would replace it with
 * its own length, and a file stream would be read to the end only to be thrown away).
 */
function noBody(): Readable {
  return Readable.from([]);
}

function partHeader(boundary: string, type: string, range: ByteRange, size: number): string {
  return `\r\n--${boundary}\r\nContent-Type: ${type}\r\nContent-Range: bytes ${range.start}-${range.end}/${size}\r\n\r\n`;
}
