import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The project's reference material (`specs/`, `fixtures/`) lives in a `shared/` folder beside the
 * checkout, both on developer machines and in CI. A local clone of a checkout (`git clone . /tmp/c`)
 * finds the folder beside the checkout it was cloned from. WATERSHED_SHARED_DIR overrides both.
 */
let resolved: string | undefined;

export function sharedDir(): string {
  resolved ??= resolveSharedDir();
  return resolved;
}

function resolveSharedDir(): string {
  if (process.env.WATERSHED_SHARED_DIR !== undefined) return existing(process.env.WATERSHED_SHARED_DIR);
  const beside = path.resolve(process.cwd(), '..', 'shared');
  if (existsSync(beside)) return beside;
  const origin = localOrigin();
  const besideOrigin = origin === null ? null : path.resolve(origin, '..', 'shared');
  if (besideOrigin !== null && existsSync(besideOrigin)) return besideOrigin;
  return existing(beside);
}

function existing(dir: string): string {
  if (!existsSync(dir)) throw new Error(`shared reference folder not found at ${dir}; set WATERSHED_SHARED_DIR`);
  return dir;
}

/** The checkout this one was cloned from, when that is a local path; null otherwise. */
function localOrigin(): string | null {
  try {
    const url = execFileSync('git', ['config', '--get', 'remote.origin.url'], { cwd: process.cwd(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return path.isAbsolute(url) && existsSync(url) ? url : null;
  } catch {
    return null;
  }
}

export function fixturePath(...parts: string[]): string {
  return path.join(sharedDir(), 'fixtures', ...parts);
}
