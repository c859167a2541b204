import { computerStream } from '#contracts';
import { z } from 'zod';

const STREAM_ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,199}$/;

/**
 * A computer id as the reporting commands accept it: what ComputerRegistered allows, further limited
 * to what can name the computer's event stream (`computer-<id>`, stream-id characters, ≤ 200).
 * Windows sends its SusClientId GUID, which always fits.
 */
export const reportingComputerId = z
  .string()
  .min(1)
  .max(191)
  .refine((id) => STREAM_ID.test(computerStream(id)), 'must be letters, digits and _ . : @ - (it names an event stream)');
