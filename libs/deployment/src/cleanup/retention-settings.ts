import { z } from 'zod';

const days = (what: string) =>
  z
    .number({ error: 'must be a whole number of days' })
    .int('must be a whole number of days')
    .min(1, `must be 1 to 3650 days (${what})`)
    .max(3650, `must be 1 to 3650 days (${what})`);

/**
 * Retention as an administrator sends it, inside PUT /api/v1/configuration. Every field is optional:
 * an absent one keeps its current value (the CLI changes one setting at a time). Validated in the
 * domain so the HTTP edge and the CLI get the same messages, each naming its field.
 */
export const retentionInput = z.strictObject({
  schedule: z
    .string({ error: 'must be "off" or "daily HH:MM"' })
    .transform((s) => s.trim().replace(/\s+/g, ' '))
    .pipe(z.string().regex(/^(off|daily ([01]\d|2[0-3]):[0-5]\d)$/, 'must be "off" or "daily HH:MM" (00:00 to 23:59, UTC)'))
    .optional(),
  supersededUpdateDays: days('how long an update stays after a live update superseded it').optional(),
  declinedUpdateDays: days('how long a declined update stays before it expires').optional(),
  staleComputerDays: days('how long a computer may go without contacting the server').optional(),
  reportEventDays: days('how long client report events are kept').optional(),
});
export type RetentionInput = z.input<typeof retentionInput>;
