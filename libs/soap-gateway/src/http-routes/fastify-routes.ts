import type { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

const registered = new WeakMap<FastifyInstance, Set<string>>();

/**
 * The process's Fastify instance, for routes registered on it directly rather than through Nest
 * controllers (the SOAP endpoints, update content: per-request cost matters there); undefined when
 * the routes named `routes` are on it already, since a hybrid app (HTTP + bus microservice) runs
 * the init hooks once per part.
 */
export function fastifyForRoutes(adapterHost: HttpAdapterHost, routes: string): FastifyInstance | undefined {
  const fastify = adapterHost.httpAdapter.getInstance<FastifyInstance>();
  let done = registered.get(fastify);
  if (done === undefined) registered.set(fastify, (done = new Set()));
  if (done.has(routes)) return undefined;
  done.add(routes);
  return fastify;
}
