import { Module } from '@nestjs/common';
import { serviceStatusController, WATERSHED_CONFIG, type WatershedConfig } from '#platform';
import { ContentModule } from './content/content.module.js';
import { DownstreamRollupSoapHandlers } from './downstream-rollup/downstream-rollup.soap.handlers.js';
import { ClientCookies } from './cookies/client-cookies.service.js';
import { resolveCookieKeys } from './cookies/cookie-keys.js';
import { CookieSealer } from './cookies/cookie-sealer.js';
import { GetAuthorizationCookieSoapHandler } from './get-authorization-cookie/get-authorization-cookie.soap.handler.js';
import { GetConfigSoapHandler } from './get-config/get-config.soap.handler.js';
import { GetCookieSoapHandler } from './get-cookie/get-cookie.soap.handler.js';
import { GetFileLocationsSoapHandler } from './get-file-locations/get-file-locations.soap.handler.js';
import { RefreshCacheSoapHandler } from './refresh-cache/refresh-cache.soap.handler.js';
import { RegisterComputerSoapHandler } from './register-computer/register-computer.soap.handler.js';
import { ReportEventBatchSoapHandler } from './report-event-batch/report-event-batch.soap.handler.js';
import { SCAN_PROVIDERS } from './scan-index/scan.providers.js';
import { PendingScanOperations, ReportingOtherSoapHandlers } from './reporting-other/reporting-other.soap.handlers.js';
import { ServerConfigurationView } from './server-state/server-configuration.view.js';
import { StartCategoryScanSoapHandler } from './start-category-scan/start-category-scan.soap.handler.js';
import { SyncPrinterCatalogSoapHandler } from './sync-printer-catalog/sync-printer-catalog.soap.handler.js';
import { WuspDispatcher } from './wusp-endpoint/wusp.dispatcher.js';
import { WuspHttpRoutes } from './wusp-endpoint/wusp.http.routes.js';
import { WuspOperationRegistry } from './wusp-endpoint/wusp-operation.registry.js';

/**
 * The soap-gateway service: serves Windows Update clients (MS-WUSP), downstream servers (MS-WSUSSS) and update content. Owns nothing but caches.
 * Operation handlers register themselves with WuspOperationRegistry; a handler listed after the
 * defaults (e.g. the SyncUpdates handler) replaces the default for its operation via `register`.
 */
@Module({
  imports: [ContentModule],
  controllers: [serviceStatusController('soap-gateway')],
  providers: [
    { provide: CookieSealer, useFactory: (config: WatershedConfig) => new CookieSealer(resolveCookieKeys(config)), inject: [WATERSHED_CONFIG] },
    ServerConfigurationView,
    ClientCookies,
    WuspOperationRegistry,
    WuspDispatcher,
    WuspHttpRoutes,
    GetConfigSoapHandler,
    GetAuthorizationCookieSoapHandler,
    GetCookieSoapHandler,
    RegisterComputerSoapHandler,
    StartCategoryScanSoapHandler,
    SyncPrinterCatalogSoapHandler,
    RefreshCacheSoapHandler,
    GetFileLocationsSoapHandler,
    ReportEventBatchSoapHandler,
    ReportingOtherSoapHandlers,
    DownstreamRollupSoapHandlers,
    PendingScanOperations,
    // The scan path (other use cases): its handlers `register` over the pending defaults.
    ...SCAN_PROVIDERS,
  ],
  exports: [ClientCookies, ServerConfigurationView, WuspOperationRegistry],
})
export class SoapGatewayModule {}
