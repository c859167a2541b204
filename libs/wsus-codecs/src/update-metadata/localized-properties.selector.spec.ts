import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { fallbackChain, selectLocalizedProperties } from './localized-properties.selector.js';
import { deriveFragments } from './update-document.parser.js';
import { DOCUMENTS, readDocument, servedFragments } from './update-metadata.fixtures.js';

describe('selectLocalizedProperties', () => {
  const category = deriveFragments(readDocument(DOCUMENTS.categoryMicrosoft)).localized;

  it('answers WUA\'s [en-US, en] with the single en fragment, as the real WSUS did (fixture 10)', () => {
    const served = servedFragments('10-GetExtendedUpdateInfo.response.xml').filter((s) => s.id === 108226);
    const picked = selectLocalizedProperties(category, ['en-US', 'en']);
    assert.deepEqual(
      picked.map((p) => p.locale),
      ['en'],
    );
    assert.equal(picked[0]?.xml, served[1]?.xml);
  });

  it('falls back from a specific locale to its neutral parent, then adds en', () => {
    assert.deepEqual(
      selectLocalizedProperties(category, ['de-DE']).map((p) => p.locale),
      ['de', 'en'],
    );
  });

  it('prefers an exact specific match and matches case-insensitively', () => {
    assert.deepEqual(
      selectLocalizedProperties(category, ['PT-BR', 'zh-CN']).map((p) => p.locale),
      ['pt-br', 'zh-cn', 'en'],
    );
  });

  it('returns each document locale once', () => {
    assert.deepEqual(
      selectLocalizedProperties(category, ['fr-FR', 'fr-CA', 'fr', 'en-GB']).map((p) => p.locale),
      ['fr', 'en'],
    );
  });

  it('still returns en for an unknown locale, and the first localization when there is no en', () => {
    assert.deepEqual(
      selectLocalizedProperties(category, ['xx-YY']).map((p) => p.locale),
      ['en'],
    );
    const noEnglish = new Map([
      ['ja', '<LocalizedProperties><Language>ja</Language></LocalizedProperties>'],
      ['ko', '<LocalizedProperties><Language>ko</Language></LocalizedProperties>'],
    ]);
    assert.deepEqual(
      selectLocalizedProperties(noEnglish, ['de']).map((p) => p.locale),
      ['ja'],
    );
    assert.deepEqual(selectLocalizedProperties(new Map(), ['en']), []);
  });

  it('builds the fallback chain of a BCP-47 tag', () => {
    assert.deepEqual(fallbackChain('zh-Hant-TW'), ['zh-hant-tw', 'zh-hant', 'zh']);
    assert.deepEqual(fallbackChain('de_DE'), ['de-de', 'de']);
    assert.deepEqual(fallbackChain(''), []);
  });
});
