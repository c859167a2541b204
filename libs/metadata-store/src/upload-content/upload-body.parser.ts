import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

export const UPLOAD_MEDIA_TYPE = 'application/octet-stream';
/** The only route whose body is taken as a raw stream. */
export const UPLOAD_ROUTE_PREFIX = '/api/v1/content/';

const REGISTERED = new WeakSet<object>();

/**
 * Lets an upload's body through unread: Fastify's parsers buffer a whole body (bounded by the 8 MiB
 * HTTP_BODY_LIMIT_BYTES), which is right for JSON and SOAP and wrong for a package of gigabytes. For
 * `application/octet-stream` on the upload route the parser hands the request stream itself to the
 * handler, which runs after the bearer guard and streams it to disk under its own limit. Anywhere
 * else that media type is refused, so no other route ever sees an unbounded body.
 */
@Injectable()
export class UploadBodyParser implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    // No HTTP server (a bus-only context), or the hybrid app's second init pass: nothing to do.
    if (fastify === undefined || REGISTERED.has(fastify)) return;
    REGISTERED.add(fastify);
    fastify.addContentTypeParser(UPLOAD_MEDIA_TYPE, (request, payload, done) => {
      if (request.method === 'PUT' && request.url.toLowerCase().startsWith(UPLOAD_ROUTE_PREFIX)) {
        done(null, payload);
        return;
      }
      done(Object.assign(new Error(`${UPLOAD_MEDIA_TYPE} bodies are accepted only by PUT ${UPLOAD_ROUTE_PREFIX}{sha256}`), { statusCode: 415 }), undefined);
    });
  }
}
