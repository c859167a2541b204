import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_COMPUTERS_GROUP_ID } from '#contracts';
import { guid, ScanCatalogBuilder } from '../../scan-index/testing/scan-catalog.builder.js';
import { refreshCache } from './refresh-cache.query.js';

describe('RefreshCache from the scan index', () => {
  it('maps each cached identity that is deployed to the client back to its revision id, without bundle members or stale revisions', () => {
    const catalog = new ScanCatalogBuilder()
      .revision({ revisionId: 1, updateId: guid(1), type: 'Category' })
      .revision({ revisionId: 2, updateId: guid(2) })
      .revision({ revisionId: 3, updateId: guid(3), bundled: [guid(2)], prerequisites: [[guid(1)]] })
      .revision({ revisionId: 4, updateId: guid(4) })
      .revision({ revisionId: 5, updateId: guid(5), revisionNumber: 100 })
      .revision({ revisionId: 6, updateId: guid(5), revisionNumber: 101 })
      .approve(guid(3), ALL_COMPUTERS_GROUP_ID, 'Install', { deploymentId: 30 })
      .approve(guid(5), ALL_COMPUTERS_GROUP_ID, 'Install', { deploymentId: 50 });
    const ids = [1, 2, 3, 4].map((n) => ({ updateId: guid(n).toUpperCase(), revisionNumber: 100 }));
    const results = refreshCache(
      catalog.view,
      [...ids, { updateId: guid(5), revisionNumber: 100 }, { updateId: guid(5), revisionNumber: 101 }, { updateId: guid(9), revisionNumber: 1 }],
      { computerId: 'pc', cookieGroupIds: null, clientProtocolVersion: '2.90' },
      'approved-only',
    );
    assert.deepEqual(
      results.map((r) => [r.revisionId, r.globalId.updateId.toLowerCase(), r.isLeaf, r.deployment.action, r.deployment.id]),
      [
        [1, guid(1), false, 'Evaluate', 1_000_000_001],
        [3, guid(3), true, 'Install', 30],
        [6, guid(5), true, 'Install', 50],
      ],
    );
  });
});
