import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CategoryKind, planCategoryScan } from './category-scan.plan.js';

const PRODUCT = 'dd78b8a1-0b20-45c1-add6-4da72e9364cf';
const PRODUCT2 = '6964aab4-c5b5-43bd-a17d-ffb4346a8e1d';
const CLASSIFICATION = '0fa1201d-4330-4fa8-8ae9-b877473b6441';
const COMPANY = '56309036-4c77-4dd9-951a-99ee9c246a94';
const UNKNOWN = '00000000-0000-0000-0000-000000000001';
const kinds: Record<string, CategoryKind> = { [PRODUCT]: 'product', [PRODUCT2]: 'product', [CLASSIFICATION]: 'classification', [COMPANY]: 'other' };
const kindOf = (id: string) => kinds[id];
const rel = (indexOfAndGroup: number, categoryId: string) => ({ indexOfAndGroup, categoryId });

describe('StartCategoryScan plan (§3.1.5.6)', () => {
  it('a single product group is preferred; no error list when nothing is unknown (fixture 05)', () => {
    assert.deepEqual(planCategoryScan([rel(0, PRODUCT)], kindOf), { preferredCategoryIds: [PRODUCT] });
  });

  it('product AND classification keeps the product; groups are ORed', () => {
    assert.deepEqual(planCategoryScan([rel(0, PRODUCT), rel(0, CLASSIFICATION), rel(1, PRODUCT2)], kindOf), { preferredCategoryIds: [PRODUCT, PRODUCT2] });
  });

  it('an unknown id goes to the error list and removes its whole AND-group', () => {
    assert.deepEqual(planCategoryScan([rel(0, PRODUCT), rel(0, UNKNOWN), rel(1, PRODUCT2)], kindOf), {
      preferredCategoryIds: [PRODUCT2],
      requestedCategoryIdsInError: [UNKNOWN],
    });
  });

  it('any other group shape clears the preferred list and stops', () => {
    assert.deepEqual(planCategoryScan([rel(0, PRODUCT), rel(1, COMPANY), rel(2, PRODUCT2)], kindOf), { preferredCategoryIds: [] });
    assert.deepEqual(planCategoryScan([rel(0, PRODUCT), rel(0, PRODUCT2)], kindOf), { preferredCategoryIds: [] });
    assert.deepEqual(planCategoryScan([rel(0, CLASSIFICATION)], kindOf), { preferredCategoryIds: [] });
  });
});
