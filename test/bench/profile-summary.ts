/**
 * `npm exec -- node dist/test/bench/profile-summary.js <file.cpuprofile> [top]`: where a CPU profile's
 * time went — self time by function (with file:line) and by package / source area, idle excluded.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: profile-summary <file.cpuprofile> [top]\n');
  process.exit(2);
}
const top = Number(topArg ?? 40);
// `| head` closes the pipe early: not an error.
process.stdout.on('error', () => process.exit(0));
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0)));

const area = (url: string, fn: string): string => {
  if (url === '') return fn.startsWith('(') ? fn : '(native)';
  const nm = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return url;
  const lib = url.match(/dist\/(libs\/[^/]+\/src\/[^/]+|apps\/[^/]+|test\/[^/]+)/);
  return lib ? lib[1]! : url;
};
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const keyOf = (node: ProfileNode): string => `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${node.callFrame.lineNumber + 1}`;
// Inclusive ("total") time: a sample counts once for every distinct function on its stack.
const inclusive = new Map<string, number>();
profile.samples.forEach((id, i) => {
  if (byId.get(id)!.callFrame.functionName === '(idle)') return;
  const us = profile.timeDeltas[i + 1] ?? 0;
  const seen = new Set<string>();
  for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
    const k = keyOf(byId.get(n)!);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + us);
  }
});
const fns = new Map<string, number>();
const areas = new Map<string, number>();
let total = 0;
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  const { functionName, url } = node.callFrame;
  if (functionName === '(idle)') continue;
  total += us;
  const key = keyOf(node);
  fns.set(key, (fns.get(key) ?? 0) + us);
  const a = area(url, functionName);
  areas.set(a, (areas.get(a) ?? 0) + us);
}
const print = (title: string, m: Map<string, number>, n: number): void => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) process.stdout.write(`${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}\n`);
};
process.stdout.write(`${file}: ${(total / 1000).toFixed(0)} ms busy (idle excluded)\n`);
print('by area', areas, 25);
print('by function (self)', fns, top);
print('by function (inclusive)', inclusive, top);
