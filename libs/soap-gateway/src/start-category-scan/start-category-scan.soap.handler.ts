import { Inject, Injectable, Optional } from '@nestjs/common';
import { type StartCategoryScanRequest, type StartCategoryScanResponse, WuspErrorCode } from '#wsus-codecs';
import { type WuspCallContext, WuspFault, type WuspOperationHandler } from '../wusp-endpoint/wusp-operation.handler.js';
import { WuspOperationRegistry } from '../wusp-endpoint/wusp-operation.registry.js';
import { type CategoryKind, planCategoryScan } from './domain/category-scan.plan.js';

/**
 * Where StartCategoryScan learns what a category id is: the scan index, which keeps each category's
 * CategoryType from UpdateRevisionImported (provided with the scan path, `scan.providers.ts`).
 */
export const CATEGORY_KIND_LOOKUP = Symbol('CATEGORY_KIND_LOOKUP');
export interface CategoryKindLookup {
  /**
   * Runs `plan` over the kinds of one consistent catalog snapshot; throws a WuspFault (ServerBusy)
   * when the catalog is not loaded yet, rather than calling every id unknown.
   */
  withKinds<T>(plan: (kindOf: (categoryId: string) => CategoryKind | undefined) => T): Promise<T>;
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
    // Without the catalog an answer would be a guess: retry later (the scan path is always wired in served processes).
    if (!this.lookup) throw new WuspFault(WuspErrorCode.InternalServerError, '', { diagnostic: 'StartCategoryScan: no category lookup (scan index not wired in)' });
    return this.lookup.withKinds((kindOf) => planCategoryScan(request.requestedCategories, (id) => kindOf(id.toLowerCase())));
  }
}
