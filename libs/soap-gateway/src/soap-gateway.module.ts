import { Module } from '@nestjs/common';
import { serviceStatusController } from '#platform';

/**
 * The soap-gateway service: serves Windows Update clients (MS-WUSP), downstream servers (MS-WSUSSS) and update content. Owns nothing but caches.
 */
@Module({
  controllers: [serviceStatusController('soap-gateway')],
})
export class SoapGatewayModule {}
