import { Controller, Get, Inject } from '@nestjs/common';
import { SERVICE_NAMES, type ServiceName, type ServiceStatus, serviceStatusSubject } from '#contracts';
import type { ServiceBus } from '#messaging';
import { SERVICE_BUS } from '../runtime/tokens.js';

type ServiceReport = ({ readonly reachable: true } & ServiceStatus) | { readonly reachable: false; readonly service: ServiceName; readonly error: string };

/**
 * `GET /status`: asks every service over the bus who answers. In split mode this shows at a glance
 * which services are running and on which instance; an unreachable one shows its error code.
 */
@Controller()
export class ServiceStatusHttpController {
  constructor(@Inject(SERVICE_BUS) private readonly bus: ServiceBus) {}

  @Get('status')
  async status(): Promise<{ services: ServiceReport[] }> {
    const services = await Promise.all(
      SERVICE_NAMES.map(async (service): Promise<ServiceReport> => {
        try {
          const status = await this.bus.request<ServiceStatus>(serviceStatusSubject(service), {}, { timeoutMs: 2000 });
          return { reachable: true, ...status };
        } catch (error) {
          const e = error as { code?: string; message?: string };
          return { reachable: false, service, error: `${e.code ?? 'ERROR'}: ${e.message ?? String(error)}` };
        }
      }),
    );
    return { services };
  }
}
