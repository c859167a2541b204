import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RUNTIME } from '../runtime/tokens.js';
import type { WatershedRuntime } from '../runtime/runtime.js';
import { ReadinessState } from './readiness.js';

/** Kubernetes probes: liveness says the process works; readiness says it can serve right now. */
@Controller()
export class HealthHttpController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: WatershedRuntime,
    @Inject(ReadinessState) private readonly readiness: ReadinessState,
  ) {}

  @Get('healthz')
  healthz(): { status: 'ok'; instance: string } {
    return { status: 'ok', instance: this.runtime.config.instanceId };
  }

  @Get('readyz')
  async readyz(@Res() reply: FastifyReply): Promise<void> {
    const problems: string[] = [];
    if (this.readiness.isShuttingDown) problems.push('shutting down');
    const { store, bus } = await this.runtime.readiness();
    if (store) problems.push(store);
    if (bus) problems.push(bus);
    await reply
      .code(problems.length === 0 ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: problems.length === 0 ? 'ready' : 'not-ready', problems, services: this.runtime.config.services });
  }
}
