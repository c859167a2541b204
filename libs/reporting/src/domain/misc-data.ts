import { SNAPSHOT_TAGS } from './client-event-ids.js';
import type { ReportedStatus } from './update-status.js';

const GUID = /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/;

/**
 * MiscData entries are "Tag=value" strings (MS-WUSP §2.2.2.3.1). Tags are case-sensitive: `G` is the
 * client version, `g` the failed update ids. A tag given twice (a long list split) is joined with ';'.
 */
export function parseMiscData(entries: readonly string[]): ReadonlyMap<string, string> {
  const tags = new Map<string, string>();
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const tag = entry.slice(0, eq).trim();
    const value = entry.slice(eq + 1).trim();
    const previous = tags.get(tag);
    tags.set(tag, previous === undefined || previous === '' ? value : `${previous};${value}`);
  }
  return tags;
}

/** A ';'-separated GUID list, normalised to lower case without braces; malformed items are dropped. */
export function parseGuidList(value: string | undefined): string[] {
  if (!value) return [];
  const ids: string[] = [];
  for (const item of value.split(/[;,]/)) {
    const match = GUID.exec(item.trim());
    if (match) ids.push(match[1]!.toLowerCase());
  }
  return ids;
}

/**
 * The per-update statuses a status event (156/153) states. An update listed under several tags gets
 * the first in SNAPSHOT_TAGS precedence.
 */
export function snapshotStatuses(miscData: readonly string[]): Map<string, ReportedStatus> {
  const tags = parseMiscData(miscData);
  const statuses = new Map<string, ReportedStatus>();
  for (const [tag, status] of SNAPSHOT_TAGS) {
    for (const id of parseGuidList(tags.get(tag))) if (!statuses.has(id)) statuses.set(id, status);
  }
  return statuses;
}
