import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ContentAddress } from './domain/content-url.js';

export interface ContentFile {
  readonly path: string;
  readonly size: number;
  readonly modified: Date;
}

/**
 * Finds a file in the content store's layout (`<contentDir>/<XX>/<SHA1>.<ext>`, XX = last two hex
 * digits). The extension's case follows the original file name, while clients may change it (IIS
 * is case-insensitive), so the usual spellings are tried.
 */
export async function findContentFile(contentDir: string, address: ContentAddress): Promise<ContentFile | null> {
  const dir = path.join(contentDir, address.sha1Hex.slice(-2));
  for (const ext of new Set([address.extension, address.extension.toLowerCase(), address.extension.toUpperCase()])) {
    const candidate = path.join(dir, `${address.sha1Hex}.${ext}`);
    try {
      const info = await stat(candidate);
      if (info.isFile()) return { path: candidate, size: info.size, modified: info.mtime };
    } catch {
      // not under this spelling
    }
  }
  return null;
}
