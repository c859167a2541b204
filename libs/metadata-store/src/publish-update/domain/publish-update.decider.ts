import { generateUpdateDocument } from './update-document.generator.js';
import { createHash } from 'node:crypto';
import type { PublishedEula, PublishedEulaFile, PublishedFile, PublishUpdateRequest } from './publish-update.request.js';

/**
 * Decides one publication: which UpdateID and RevisionNumber, and the document. Pure: the update's
 * existing revision numbers (from its stream), the new id and the clock come in.
 */

/**
 * First RevisionNumber of a published update. Any positive number is valid to WUA; Microsoft's own
 * catalog starts its revisions around 100 (the fixtures carry r100, r101, r200), and staying in that
 * range keeps published and synced revisions looking alike in logs and reports.
 */
export const FIRST_REVISION_NUMBER = 100;

export function nextRevisionNumber(existing: readonly number[]): number {
  return existing.length === 0 ? FIRST_REVISION_NUMBER : Math.max(...existing) + 1;
}

export interface PublishDecision {
  readonly updateId: string;
  readonly revisionNumber: number;
  readonly xml: string;
}

/** A refusal: the request field at fault and why, for REQUEST.INVALID. */
export interface PublishProblem {
  readonly field: string;
  readonly message: string;
}

/** Checks the zod schema cannot express: relations between the fields and the files. */
export function checkPublish(request: PublishUpdateRequest, files: readonly PublishedFile[], updateId: string): PublishProblem[] {
  const problems: PublishProblem[] = [];
  const names = new Map<string, number>();
  files.forEach((f, i) => {
    const key = f.fileName.toLowerCase();
    // WUA keeps an update's files side by side in one cache folder: names must differ, ignoring case.
    if (names.has(key)) problems.push({ field: `files.${i}.fileName`, message: `${f.fileName} is listed twice` });
    names.set(key, i);
  });
  const { installer } = request;
  if (files.length === 0) problems.push({ field: 'files', message: 'an installable update needs at least one file' });
  // WSUS itself packs a locally published installer into a CAB (`<guid>_1.cab`) that WUA expands,
  // so the program may also name a file inside a published CAB (its contents are not read here).
  const hasCab = files.some((f) => f.fileName.toLowerCase().endsWith('.cab'));
  const known = (name: string) => names.has(name.toLowerCase()) || hasCab;
  if (installer.kind === 'commandLine') {
    if (!known(installer.program)) {
      problems.push({ field: 'installer.program', message: `${installer.program} is not one of the published files` });
    }
    // Without IsInstalled WUA can never see the update as installed and would offer it forever.
    if (request.applicability.isInstalled === undefined) {
      problems.push({ field: 'applicability.isInstalled', message: 'a command-line update needs an IsInstalled rule' });
    }
  } else if (!known(installer.msiFile)) {
    problems.push({ field: 'installer.msiFile', message: `${installer.msiFile} is not one of the published files` });
  }
  request.supersededUpdateIds.forEach((id, i) => {
    if (id === updateId) problems.push({ field: `supersededUpdateIds.${i}`, message: 'an update cannot supersede itself' });
    if (request.supersededUpdateIds.indexOf(id) !== i) problems.push({ field: `supersededUpdateIds.${i}`, message: `${id} is listed twice` });
  });
  request.prerequisites.forEach((clause, i) => {
    clause.forEach((id, j) => {
      if (id === updateId) problems.push({ field: `prerequisites.${i}.${j}`, message: 'an update cannot be its own prerequisite' });
    });
  });
  return problems;
}

export function decidePublish(
  request: PublishUpdateRequest,
  files: readonly PublishedFile[],
  existingRevisionNumbers: readonly number[],
  ids: { readonly newUpdateId: string; readonly now: Date },
  eula?: { readonly eulaId?: string; readonly files: readonly PublishedEulaFile[] },
): { decision: PublishDecision } | { problems: PublishProblem[] } {
  const updateId = request.updateId ?? ids.newUpdateId;
  const problems = [...checkPublish(request, files, updateId), ...checkEula(eula)];
  if (problems.length > 0) return { problems };
  const revisionNumber = nextRevisionNumber(existingRevisionNumbers);
  const terms: PublishedEula | undefined = eula === undefined ? undefined : { eulaId: eula.eulaId ?? derivedEulaId(eula.files), files: eula.files };
  return {
    decision: {
      updateId,
      revisionNumber,
      xml: generateUpdateDocument(request, { updateId, revisionNumber, now: ids.now, files, ...(terms === undefined ? {} : { eula: terms }) }),
    },
  };
}

/** One license text per (language, region): a client could not tell two apart. */
export function checkEula(eula: { readonly files: readonly PublishedEulaFile[] } | undefined): PublishProblem[] {
  if (eula === undefined) return [];
  const problems: PublishProblem[] = [];
  const seen = new Set<string>();
  eula.files.forEach((f, i) => {
    const key = `${f.language.toLowerCase()}|${f.geoId ?? ''}`;
    if (seen.has(key)) problems.push({ field: `eula.files.${i}`, message: `language ${f.language}${f.geoId ? ` region ${f.geoId}` : ''} is given twice` });
    seen.add(key);
  });
  return problems;
}

/**
 * A EulaID named by the license texts themselves (a name-based UUID over their SHA-1s, sorted): the
 * same terms published again keep their id, so what an administrator accepted stays accepted,
 * and different terms get a new id that must be accepted anew, as WSUS treats a changed EULA.
 */
export function derivedEulaId(files: readonly PublishedEulaFile[]): string {
  const digest = createHash('sha256')
    .update(['watershed-eula', ...files.map((f) => f.sha1).sort()].join('\n'))
    .digest();
  digest[6] = (digest[6]! & 0x0f) | 0x50; // version 5 layout (name-based)
  digest[8] = (digest[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
