import { Controller, Inject, type Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { encodeAnchor, type ServiceName, type ServiceStatus, serviceQueue, serviceStatusSubject } from '#contracts';
import { RUNTIME } from '../runtime/tokens.js';
import type { WatershedRuntime } from '../runtime/runtime.js';
import { WATERSHED_VERSION } from '../version.js';

const startedAt = new Date().toISOString();

/**
 * Builds the bus controller through which a service reports that it is alive and where it is. Each
 * service module registers one, under its own queue group.
 */
export function serviceStatusController(service: ServiceName): Type {
  @Controller()
  class ServiceStatusRpcController {
    constructor(@Inject(RUNTIME) private readonly runtime: WatershedRuntime) {}

    @MessagePattern(serviceStatusSubject(service), { queue: serviceQueue(service) })
    async status(): Promise<ServiceStatus> {
      return {
        service,
        instanceId: this.runtime.config.instanceId,
        pid: process.pid,
        version: WATERSHED_VERSION,
        startedAt,
        storeHead: encodeAnchor(await this.runtime.store.head()),
      };
    }
  }
  Object.defineProperty(ServiceStatusRpcController, 'name', { value: `${service}StatusRpcController` });
  return ServiceStatusRpcController;
}
