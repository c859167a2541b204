import { Controller, Get, Inject, RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { WATERSHED_VERSION } from '../../version.js';
import { API_OPERATION_METADATA, API_TAG_METADATA, type ApiOperationSpec } from './api-operation.decorator.js';
import { buildOpenApiDocument, type DiscoveredRoute } from './openapi-document.js';

// Nest's own route metadata keys (PATH_METADATA, METHOD_METADATA in @nestjs/common constants).
const PATH_METADATA = 'path';
const METHOD_METADATA = 'method';

/** `GET /api/openapi.json`: the admin API as this process serves it (public: it holds no data). */
@Controller('api')
export class OpenApiHttpController {
  private document: Record<string, unknown> | null = null;

  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  @Get('openapi.json')
  openapi(): Record<string, unknown> {
    this.document ??= buildOpenApiDocument(this.routes(), WATERSHED_VERSION);
    return this.document;
  }

  private routes(): DiscoveredRoute[] {
    const routes: DiscoveredRoute[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!type || !wrapper.instance) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, type) ?? '');
      if (!base.replace(/^\/+/, '').startsWith('api/v1')) continue;
      const tag = this.reflector.get<string | undefined>(API_TAG_METADATA, type) ?? base.replace(/^\/?api\/v1\/?/, '').split('/')[0] ?? 'admin';
      const prototype = Object.getPrototypeOf(wrapper.instance) as object;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = (prototype as Record<string, unknown>)[name] as (...args: unknown[]) => unknown;
        const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (sub === undefined || method === undefined) continue;
        routes.push({
          method: RequestMethod[method],
          path: [base, sub].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/'),
          tag,
          spec: this.reflector.get<ApiOperationSpec | undefined>(API_OPERATION_METADATA, handler) as ApiOperationSpec | undefined,
        });
      }
    }
    return routes;
  }
}
