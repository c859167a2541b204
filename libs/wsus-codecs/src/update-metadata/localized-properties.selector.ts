import { ALWAYS_RETURNED_LOCALE } from './update-metadata.constants.js';

/**
 * Which LocalizedProperties (or Eula) fragments GetExtendedUpdateInfo returns for a `locales` list.
 *
 * MS-WUSP §2.2.2.2.6 only says fragments for the requested locales MUST be returned and that the
 * service SHOULD always return EN. Documents carry neutral languages (`en`, `de`) and a few
 * specific ones (`pt-br`, `zh-cn`, `zh-tw`), while WUA asks for `en-US, en` (fixture
 * 10-GetExtendedUpdateInfo: a real WSUS answered that with the single `en` fragment). So, per
 * requested locale in order: an exact match (case-insensitive), else its neutral parent
 * (`de-DE` → `de`, `zh-Hant-TW` → `zh-hant` → `zh`); then `en`; and if still nothing matched,
 * the first localization the document has, so a client never gets an update without a title.
 * Each document locale is returned at most once.
 */
export interface SelectedLocale {
  /** Locale as the document writes it (the Metadata-table key). */
  readonly locale: string;
  readonly xml: string;
}

export function selectLocalizedProperties(
  localized: ReadonlyMap<string, string>,
  requestedLocales: readonly string[],
): SelectedLocale[] {
  const byLower = new Map<string, SelectedLocale>();
  for (const [locale, xml] of localized) {
    const key = locale.toLowerCase();
    if (!byLower.has(key)) byLower.set(key, { locale, xml });
  }
  const picked: SelectedLocale[] = [];
  const taken = new Set<string>();
  const take = (key: string): boolean => {
    const hit = byLower.get(key);
    if (hit === undefined) return false;
    if (!taken.has(key)) {
      taken.add(key);
      picked.push(hit);
    }
    return true;
  };
  for (const requested of requestedLocales) {
    for (const candidate of fallbackChain(requested)) if (take(candidate)) break;
  }
  take(ALWAYS_RETURNED_LOCALE);
  if (picked.length === 0) {
    const first = byLower.values().next();
    if (first.done !== true) picked.push(first.value);
  }
  return picked;
}

/** `zh-Hant-TW` → [`zh-hant-tw`, `zh-hant`, `zh`]. */
export function fallbackChain(locale: string): string[] {
  const chain: string[] = [];
  let current = locale.trim().toLowerCase().replace(/_/g, '-');
  while (current !== '') {
    chain.push(current);
    const dash = current.lastIndexOf('-');
    current = dash < 0 ? '' : current.slice(0, dash);
  }
  return chain;
}
