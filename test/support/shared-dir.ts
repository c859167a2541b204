import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The project's reference material (`specs/`, `fixtures/`) lives in a `shared/` folder beside the
 * checkout, both on developer machines and in CI. WATERSHED_SHARED_DIR overrides it for other layouts.
 */
export function sharedDir(): string {
  const dir = process.env.WATERSHED_SHARED_DIR ?? path.resolve(process.cwd(), '..', 'shared');
  if (!existsSync(dir)) {
    throw new Error(`shared reference folder not found at ${dir}; set WATERSHED_SHARED_DIR`);
  }
  return dir;
}

export function fixturePath(...parts: string[]): string {
  return path.join(sharedDir(), 'fixtures', ...parts);
}
