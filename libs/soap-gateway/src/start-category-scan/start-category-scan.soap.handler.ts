import { Inject, Injectable, Optional } from '@nestjs/common';
import type { StartCategoryScanRequest, StartCategoryScanResponse } from '#wsus-codecs';
import type { WuspCallContext, WuspOperationHandler } from '../wusp-endpoint/wusp-operation.handler.js';
import { WuspOperationRegistry } from '../wusp-endpoint/wusp-operation.registry.js';
import { type CategoryKind, planCategoryScan } from './domain/category-scan.plan.js';

/**
 * Where StartCategoryScan learns what a category id is. The category type (Product,
 * UpdateClassification, …) lives in the Extended fragment, not in UpdateRevisionImported, so the
 * scan index or the metadata store has to provide it; until one does, every id is taken as a known
 * product, which reproduces WS2025's answer to the native client's one-product request (fixture 05).
 */
export const CATEGORY_KIND_LOOKUP = Symbol('CATEGORY_KIND_LOOKUP');
export interface CategoryKindLookup {
  kindOf(categoryId: string): CategoryKind | undefined;
}

/** StartCategoryScan (§3.1.5.6): carries no cookie, so nothing client-specific is involved. */
@Injectable()
export class StartCategoryScanSoapHandler implements WuspOperationHandler<'StartCategoryScan'> {
  readonly operation = 'StartCategoryScan' as const;

  constructor(
    @Inject(WuspOperationRegistry) registry: WuspOperationRegistry,
    @Optional() @Inject(CATEGORY_KIND_LOOKUP) private readonly lookup: CategoryKindLookup | null,
  ) {
    registry.registerDefault(this);
  }

  async handle(request: StartCategoryScanRequest, _context: WuspCallContext): Promise<StartCategoryScanResponse> {
    const kindOf = this.lookup ? (id: string) => this.lookup!.kindOf(id.toLowerCase()) : (): CategoryKind => 'product';
    return planCategoryScan(request.requestedCategories, kindOf);
  }
}
