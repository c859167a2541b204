import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HTTP_BODY_LIMIT_BYTES, LOGGER, type Logger } from '#platform';
import { buildSoapFaultForError, SoapRequestError, WUSP_RESPONSE_STYLE, type WuspService } from '#wsus-codecs';
import { fastifyForRoutes } from '../http-routes/fastify-routes.js';
import { WuspDispatcher, type WuspHttpReply } from './wusp.dispatcher.js';

/** Endpoint paths per service, as WUA posts them, plus the WSDL's Reporting address (wusp.md §16.1). */
export const WUSP_ENDPOINTS: readonly { readonly service: WuspService; readonly directory: string; readonly file: string }[] = [
  { service: 'Client', directory: 'ClientWebService', file: 'client.asmx' },
  { service: 'SimpleAuth', directory: 'SimpleAuthWebService', file: 'SimpleAuth.asmx' },
  { service: 'Reporting', directory: 'ReportingWebService', file: 'ReportingWebService.asmx' },
  { service: 'Reporting', directory: 'ReportingWebService', file: 'WebService.asmx' },
];

/** `[cC][lL]…`: find-my-way has no case-insensitive option per route, and IIS paths are case-insensitive. */
function caseInsensitive(literal: string): string {
  return literal.replace(/[A-Za-z]/g, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`).replace(/\./g, '\\.');
}

const alternatives = (values: readonly string[]): string => [...new Set(values)].map(caseInsensitive).join('|');

/** One route for all endpoints: two regex routes on the same segments would collide in find-my-way. */
const SOAP_ROUTE = `/:wuspDirectory(^(?:${alternatives(WUSP_ENDPOINTS.map((e) => e.directory))})$)/:wuspFile(^(?:${alternatives(WUSP_ENDPOINTS.map((e) => e.file))})$)`;
const SELF_UPDATE_ROUTE = `/:selfUpdate(^${caseInsensitive('selfupdate')}$)`;

export function endpointService(directory: string, file: string): WuspService | undefined {
  const d = directory.toLowerCase();
  const f = file.toLowerCase();
  return WUSP_ENDPOINTS.find((e) => e.directory.toLowerCase() === d && e.file.toLowerCase() === f)?.service;
}

/**
 * Registers the MS-WUSP endpoints on the process's Fastify instance, in their own encapsulated
 * plugin: any request body is taken raw (the codec judges Content-Type, so a wrong one gets a SOAP
 * fault, not a 415), and transport errors (a body over the limit) are answered as SOAP faults too.
 */
@Injectable()
export class WuspHttpRoutes implements OnModuleInit {
  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(WuspDispatcher) private readonly dispatcher: WuspDispatcher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    const fastify = fastifyForRoutes(this.adapterHost, 'wusp');
    if (fastify === undefined) return;
    void fastify.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: HTTP_BODY_LIMIT_BYTES }, (_req, body, done) => done(null, body));
      scope.setErrorHandler((error, request, reply) => this.transportFault(error as Error & { code?: string }, request, reply));

      scope.route({
        method: 'POST',
        url: SOAP_ROUTE,
        bodyLimit: HTTP_BODY_LIMIT_BYTES,
        handler: async (request, reply) => {
          const params = request.params as { wuspDirectory: string; wuspFile: string };
          const service = endpointService(params.wuspDirectory, params.wuspFile);
          if (service === undefined) return reply.code(404).send();
          const answer = await this.dispatcher.dispatch(service, {
            body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
            contentType: request.headers['content-type'],
            soapAction: header(request, 'soapaction'),
            acceptEncoding: header(request, 'accept-encoding'),
            clientIp: request.ip,
            host: request.headers.host ?? null,
            scheme: request.protocol === 'https' ? 'https' : 'http',
            correlationVector: header(request, 'ms-cv'),
          });
          return send(reply, answer);
        },
      });

      // Self-update (wusp.md §2.3): Windows 10 and later never fetch it; Windows 8.1 and earlier need a
      // Microsoft-signed wuident.cab that cannot be redistributed. Not found is the only honest answer.
      const noSelfUpdate = async (request: FastifyRequest, reply: FastifyReply) => {
        this.logger.info({ url: request.url, clientIp: request.ip }, 'self-update file requested: none is served (Windows 8.1 or earlier client?)');
        return reply.code(404).header('cache-control', 'private').send();
      };
      scope.route({ method: 'GET', url: SELF_UPDATE_ROUTE, handler: noSelfUpdate });
      scope.route({ method: 'GET', url: `${SELF_UPDATE_ROUTE}/*`, handler: noSelfUpdate });
    });
  }

  private transportFault(error: Error & { code?: string; statusCode?: number }, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const params = (request.params ?? {}) as { wuspDirectory?: string; wuspFile?: string };
    const service = params.wuspDirectory && params.wuspFile ? endpointService(params.wuspDirectory, params.wuspFile) : undefined;
    if (service === undefined) {
      this.logger.error({ err: error, url: request.url }, 'soap-gateway route failed');
      return reply.code(500).send();
    }
    const refusal =
      error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? new SoapRequestError('body-too-large', { message: 'request' }, { diagnostic: error.message })
        : new SoapRequestError('malformed-xml', { message: 'request' }, { diagnostic: `${error.code ?? 'error'}: ${error.message}` });
    this.logger.info({ kind: refusal.kind, url: request.url, clientIp: request.ip, reason: error.message }, 'wusp request refused by the transport');
    const fault = buildSoapFaultForError(refusal, { id: crypto.randomUUID(), style: WUSP_RESPONSE_STYLE[service], soapVersion: '1.1' });
    // The body was not read to its end: the connection cannot carry another request.
    return reply.code(500).header('content-type', fault.contentType).header('connection', 'close').send(fault.body);
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function send(reply: FastifyReply, answer: WuspHttpReply): FastifyReply {
  return reply.code(answer.status).headers(answer.headers).send(answer.body);
}
