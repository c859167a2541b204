/**
 * Every bus subject is built here: `wsus.<context>.<cmd|evt|qry>.<name>`. One helper so that a typo
 * is a compile error and NATS permissions can be written per context with wildcards.
 */
export const BOUNDED_CONTEXTS = ['gateway', 'metadata', 'deployment', 'reporting', 'sync', 'system'] as const;
export type BoundedContext = (typeof BOUNDED_CONTEXTS)[number];
export type SubjectKind = 'cmd' | 'evt' | 'qry';

const NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

export function subject(context: BoundedContext, kind: SubjectKind, name: string): string {
  if (!NAME.test(name)) throw new Error(`subject name must be lower-case dotted words: ${name}`);
  return `wsus.${context}.${kind}.${name}`;
}
