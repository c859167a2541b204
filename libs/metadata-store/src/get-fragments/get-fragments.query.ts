import type { SqlExecutor } from '#event-store';
import { selectLocalizedProperties } from '#wsus-codecs/update-metadata';
import { FRAGMENT_KINDS, type FragmentKind, type FragmentReply, type FragmentsReply } from '../metadata-store.api.js';
import { findRevisionsById, loadFragments, type StoredFragment } from '../update-revisions/update-revisions.queries.js';

export interface FragmentsQuery {
  readonly revisionIds: readonly number[];
  readonly kinds: readonly FragmentKind[];
  readonly locales: readonly string[];
}

/**
 * GetExtendedUpdateInfo's data (MS-WUSP §3.1.5.9): per known revision, the requested fragment
 * kinds; LocalizedProperties and Eula only in the locales selectLocalizedProperties picks for the
 * client's list (exact, neutral parent, `en`, else the first the document has).
 */
export async function getFragments(db: SqlExecutor, query: FragmentsQuery): Promise<FragmentsReply> {
  const ids = [...new Set(query.revisionIds)];
  const kinds = FRAGMENT_KINDS.filter((k) => query.kinds.includes(k));
  const known = new Set((await findRevisionsById(db, ids)).map((r) => r.revisionId));
  const byRevision = new Map<number, StoredFragment[]>();
  for (const row of await loadFragments(db, ids, kinds)) {
    const list = byRevision.get(row.revisionId) ?? [];
    list.push(row);
    byRevision.set(row.revisionId, list);
  }
  return ids
    .filter((id) => known.has(id))
    .map((revisionId) => ({ revisionId, fragments: selectFragments(byRevision.get(revisionId) ?? [], kinds, query.locales) }));
}

export function selectFragments(
  rows: readonly StoredFragment[],
  kinds: readonly FragmentKind[],
  locales: readonly string[],
): FragmentReply[] {
  const out: FragmentReply[] = [];
  for (const kind of kinds) {
    const ofKind = rows.filter((r) => r.kind === kind);
    if (kind === 'Core' || kind === 'Extended') {
      out.push(...ofKind.map(toReply));
      continue;
    }
    // Choose locales on one representative per locale, then return every row of the chosen ones
    // (a Eula may come in several GeoIds; the rest-of-world one sorts first).
    const representative = new Map<string, string>();
    for (const row of ofKind) if (row.locale !== null && !representative.has(row.locale)) representative.set(row.locale, row.xml);
    for (const { locale } of selectLocalizedProperties(representative, locales)) {
      out.push(...ofKind.filter((r) => r.locale === locale).map(toReply));
    }
  }
  return out;
}

const toReply = (r: StoredFragment): FragmentReply => ({ kind: r.kind, locale: r.locale, geoId: r.geoId, xml: r.xml });
