import { z } from 'zod';
import type { ApiOperationSpec } from './api-operation.decorator.js';

export interface DiscoveredRoute {
  readonly method: string;
  /** Nest form, e.g. `api/v1/groups/:groupId`. */
  readonly path: string;
  readonly tag: string;
  readonly spec: ApiOperationSpec | undefined;
}

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Machine-readable, e.g. GROUP.NOT_FOUND, REQUEST.INVALID' },
        message: { type: 'string' },
        details: {},
      },
    },
  },
};

const ERROR_RESPONSES = {
  '400': { description: 'Invalid input (REQUEST.INVALID and *.INVALID codes)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  '401': { description: 'Missing or unknown bearer token (AUTH.UNAUTHORIZED, AUTH.NOT_CONFIGURED)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  '404': { description: 'Not found (*.NOT_FOUND)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  '409': { description: 'Conflict with the current state', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  '412': { description: 'If-Match does not match the current ETag', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
};

const RAW_BODY_ERROR_RESPONSES = {
  '413': { description: 'Larger than the upload limit (CONTENT.TOO_LARGE)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  '415': { description: 'Not the expected media type (CONTENT.UNSUPPORTED_MEDIA_TYPE)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
};

function jsonSchema(schema: z.ZodType): unknown {
  // Input side: what a caller sends, before the handler's transforms.
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/** OpenAPI 3.1 for the admin routes found in the running app. */
export function buildOpenApiDocument(routes: readonly DiscoveredRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of [...routes].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))) {
    const openApiPath = `/${route.path.replace(/^\/+/, '')}`.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const parameters: unknown[] = [...openApiPath.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const querySchema = route.spec?.query ? (jsonSchema(route.spec.query) as { properties?: Record<string, unknown>; required?: string[] }) : undefined;
    for (const [name, schema] of Object.entries(querySchema?.properties ?? {})) {
      parameters.push({ name, in: 'query', required: querySchema?.required?.includes(name) ?? false, schema });
    }
    if (['PATCH', 'DELETE'].includes(route.method) && openApiPath.startsWith('/api/v1/groups/')) {
      parameters.push({ name: 'If-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'ETag from a previous GET; 412 when stale' });
    }
    const success = Object.fromEntries(
      Object.entries(route.spec?.responses ?? { 200: 'OK' }).map(([status, description]) => [status, { description, content: { 'application/json': { schema: {} } } }]),
    );
    paths[openApiPath] ??= {};
    paths[openApiPath][route.method.toLowerCase()] = {
      tags: [route.tag],
      summary: route.spec?.summary ?? `${route.method} ${openApiPath}`,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.spec?.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.spec.body) } } } } : {}),
      ...(route.spec?.rawBody ? { requestBody: { required: true, content: { [route.spec.rawBody]: { schema: { type: 'string', format: 'binary' } } } } } : {}),
      responses: { ...success, ...ERROR_RESPONSES, ...(route.spec?.rawBody ? RAW_BODY_ERROR_RESPONSES : {}) },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Watershed admin API',
      version,
      description: 'Administration of a Watershed update server: computer groups, targeting, approvals, declines. Every call needs a bearer token (WATERSHED_ADMIN_TOKENS).',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: ERROR_SCHEMA },
    },
    paths,
  };
}
