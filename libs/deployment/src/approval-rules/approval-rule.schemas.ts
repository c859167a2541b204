import { z } from 'zod';
import { AUTO_APPROVAL_ACTIONS, GUID_PATTERN, normalizeGuid } from '#contracts';

/** Bounds far above any real rule; they keep one rule's event small. */
const MAX_IDS = 1000;

const ids = (what: string) =>
  z
    .array(z.string().transform(normalizeGuid).pipe(z.string().regex(GUID_PATTERN, `must be a GUID (${what})`)))
    .max(MAX_IDS)
    .transform((list) => [...new Set(list)].sort());

const name = z
  .string()
  .transform((s) => s.trim())
  // eslint-disable-next-line no-control-regex
  .pipe(z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters').refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters'));

const fields = {
  name,
  classificationIds: ids('a classification category id'),
  productIds: ids('a product category id'),
  groupIds: ids('a computer group id').pipe(z.array(z.string()).min(1, 'a rule approves for at least one group')),
  action: z.enum(AUTO_APPROVAL_ACTIONS),
  /** At least a day: a deadline at the moment of approval would already be past when a client sees it. */
  deadlineOffsetDays: z.number().int().min(1, 'must be 1 to 3650 days').max(3650, 'must be 1 to 3650 days').nullable(),
  enabled: z.boolean(),
};

/** A new rule; what is left out means "any" (categories), Install, no deadline, enabled. */
export const createRuleInput = z.strictObject({
  name: fields.name,
  classificationIds: fields.classificationIds.default([]),
  productIds: fields.productIds.default([]),
  groupIds: fields.groupIds,
  action: fields.action.default('Install'),
  deadlineOffsetDays: fields.deadlineOffsetDays.default(null),
  enabled: fields.enabled.default(true),
});

/** Changes to a rule: only the fields given change. */
export const changeRuleInput = z.strictObject({
  name: fields.name.optional(),
  classificationIds: fields.classificationIds.optional(),
  productIds: fields.productIds.optional(),
  groupIds: fields.groupIds.optional(),
  action: fields.action.optional(),
  deadlineOffsetDays: fields.deadlineOffsetDays.optional(),
  enabled: fields.enabled.optional(),
});
