/**
 * Scope rebuild: what one catalog change costs the scan index in-process, at a given catalog size,
 * without a server, a database or a fleet. The rescan benchmark at 100k shows one stall holding every
 * call in flight after the round's new approvals; this isolates the index's share of it, in seconds
 * instead of the 20 minutes a 100k import takes.
 *
 *   npm exec -- node dist/test/bench/scope-rebuild.js [--revisions 100000] [--changes 5] [--repeats 3]
 *
 * The catalog is the rescan scenario's (same generator, same seed), each document read by the
 * importer's parser into the UpdateRevisionImported data the log would hold, applied to a scan index
 * with its groups and approvals. Then, `--repeats` times: `--changes` new approvals of one group
 * (Workstations, as the benchmark fleet's rounds do), and for every client group the scopes a
 * SyncUpdates call asks for (software and driver pass), their prerequisite index and the change-set
 * walk, timed one group at a time, which is what a call waits for when it arrives first.
 */
import { parseArgs } from 'node:util';
import { ALL_COMPUTERS_GROUP_ID } from '#contracts';
import { rescanCatalogIndex } from './rescan-catalog-index.js';

const { values } = parseArgs({
  options: {
    revisions: { type: 'string', default: '100000' },
    changes: { type: 'string', default: '5' },
    repeats: { type: 'string', default: '3' },
  },
  strict: true,
});
const revisions = Number(values.revisions);
const changes = Number(values.changes);
const repeats = Number(values.repeats);
const log = (line: string): void => void process.stderr.write(`[scope-rebuild] ${line}\n`);
const { catalog, index, groupIds, refused, seconds } = rescanCatalogIndex(revisions);
log(`${catalog.items.length} documents (${refused} refused), ${catalog.approvals.length} approvals applied in ${seconds.toFixed(1)} s`);
log(`scopes per client group: software + driver pass entries; times include the software scope's prerequisite index and the change-set walk`);

/** A client group's effective groups, as effectiveGroupIds gives them: itself, its ancestors, All Computers. */
const clientGroupSets = catalog.clientGroups.map((name) => {
  const ids = new Set([ALL_COMPUTERS_GROUP_ID]);
  for (let current: string | null = name; current !== null; current = catalog.groups.find((g) => g.name === current)!.parent) ids.add(groupIds.get(current)!);
  return { name, ids: [...ids].sort() };
});

const { view } = index;
const policy = 'approved-only' as const;
function measureRound(label: string, since: number): void {
  const parts: string[] = [];
  let total = 0;
  for (const { name, ids } of clientGroupSets) {
    const startedAt = performance.now();
    const software = view.scope(ids, { pass: 'software', policy });
    const drivers = view.scope(ids, { pass: 'driver', policy });
    view.prerequisiteIndex(software);
    view.changedUpdatesSince(ids, since, 10_000);
    const ms = performance.now() - startedAt;
    total += ms;
    parts.push(`${name} ${ms.toFixed(1)} ms (${software.ordered.length}+${drivers.ordered.length})`);
  }
  log(`${label}: ${total.toFixed(1)} ms in all; ${parts.join(', ')}`);
}

measureRound('first build', 0);
measureRound('memoized', 0);
const approved = new Set(catalog.approvals.map((a) => a.updateId));
const fresh = catalog.items.filter((i) => (i.kind === 'leaf' || i.kind === 'bundle') && !approved.has(i.updateId));
for (let repeat = 0; repeat < repeats; repeat += 1) {
  const since = view.version;
  for (const item of fresh.slice(repeat * changes, (repeat + 1) * changes)) index.approve(item.updateId, groupIds.get('Workstations')!, 'Install');
  measureRound(`after ${changes} approvals (${repeat + 1})`, since);
}
