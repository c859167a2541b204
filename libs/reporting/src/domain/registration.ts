import type { z } from 'zod';
import type { ComputerRegistered } from '#contracts';

export type Registration = z.infer<typeof ComputerRegistered.schema>;

const FIELDS = [
  'computerId',
  'dnsName',
  'osMajorVersion',
  'osMinorVersion',
  'osBuildNumber',
  'osServicePackMajorNumber',
  'osLocale',
  'computerManufacturer',
  'computerModel',
  'clientVersion',
  'clientIp',
] as const satisfies readonly (keyof Registration)[];

/**
 * decide(RegisterComputer, last registration) → the ComputerRegistered data to append, or null when
 * nothing changed. Clients re-register after every RegistrationRequired fault and on many restarts;
 * an unchanged registration would only grow the computer's stream.
 */
export function decideRegistration(command: Registration, last: Registration | null): Registration | null {
  if (last !== null && FIELDS.every((f) => last[f] === command[f])) return null;
  return command;
}
