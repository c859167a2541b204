import { Inject, Injectable } from '@nestjs/common';
import type { SyncPrinterCatalogRequest, SyncPrinterCatalogResponse } from '#wsus-codecs';
import { ClientCookies } from '../cookies/client-cookies.service.js';
import type { WuspCallContext, WuspOperationHandler } from '../wusp-endpoint/wusp-operation.handler.js';
import { WuspOperationRegistry } from '../wusp-endpoint/wusp-operation.registry.js';

/**
 * SyncPrinterCatalog (§3.1.5.12), used only by the Add Printer Wizard. Watershed serves no printer
 * drivers yet, so after the same cookie and configuration checks as SyncUpdates the answer is a valid
 * empty SyncInfo: nothing new, nothing truncated, and the NewCookie the spec requires.
 */
@Injectable()
export class SyncPrinterCatalogSoapHandler implements WuspOperationHandler<'SyncPrinterCatalog'> {
  readonly operation = 'SyncPrinterCatalog' as const;

  constructor(
    @Inject(WuspOperationRegistry) registry: WuspOperationRegistry,
    @Inject(ClientCookies) private readonly cookies: ClientCookies,
  ) {
    registry.registerDefault(this);
  }

  async handle(request: SyncPrinterCatalogRequest, context: WuspCallContext): Promise<SyncPrinterCatalogResponse> {
    const { state } = await this.cookies.open(request.cookie, context.now, { checkConfiguration: true });
    return { truncated: false, newCookie: this.cookies.renew(state) };
  }
}
