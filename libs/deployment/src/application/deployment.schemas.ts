import { z } from 'zod';
import { APPROVAL_ACTIONS, GUID_PATTERN, normalizeGuid, TARGETING_MODES } from '#contracts';

/** Input shapes shared by the admin HTTP API and the bus API; both validate with these. */
export const guidInput = z
  .string()
  .transform(normalizeGuid)
  .pipe(z.string().regex(GUID_PATTERN, 'must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)'));

export const groupNameInput = z
  .string()
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, 'must not be empty')
      .max(256, 'must be at most 256 characters')
      // eslint-disable-next-line no-control-regex
      .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters'),
  );

/** Computer ids are client GUIDs in practice; case-insensitive, so stored lower-case. */
export const computerIdInput = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.string().regex(/^[a-z0-9][a-z0-9_.:@-]{0,188}$/, 'must be 1-189 letters, digits, _ . : @ - (a computer id)'));

export const createGroupBody = z.strictObject({ name: groupNameInput, parentId: guidInput.optional() });
export const renameGroupBody = z.strictObject({ name: groupNameInput });
export const deleteGroupQuery = z.strictObject({
  moveMembersToUnassigned: z.enum(['true', 'false']).optional().transform((v) => v === 'true'),
});
export const assignComputerBody = z.strictObject({ groupIds: z.array(guidInput).max(1000) });
export const approveUpdateBody = z.strictObject({
  groupId: guidInput,
  action: z.enum(APPROVAL_ACTIONS),
  deadline: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' }).nullable().optional(),
  revisionNumber: z.number().int().nonnegative().optional(),
  /** Accept the license terms the approval needs (see GET /api/v1/updates/{id}/eula), as the console's license dialog does. */
  acceptEula: z.boolean().optional(),
});
export const acceptEulaBody = z.strictObject({
  /** The revision whose EULA is accepted; the update's latest by default. */
  revisionNumber: z.number().int().nonnegative().optional(),
});
export const eulaQuery = z.strictObject({
  /** Preferred locale(s), comma-separated (`de-AT,de`); English, else the document's first, when none matches. */
  locale: z.string().max(400).regex(/^[A-Za-z0-9-]+(,[A-Za-z0-9-]+)*$/, 'must be locale names separated by commas (de-AT,de)').optional(),
  revisionNumber: z.string().regex(/^\d{1,9}$/, 'must be a whole number').optional(),
});
export const removeApprovalInput = z.strictObject({ groupId: guidInput });
export const targetingModeBody = z.strictObject({ mode: z.enum(TARGETING_MODES) });
/** POST /configuration/client-state-reset: why (kept in the event and the log). */
export const resetClientStateBody = z.strictObject({ reason: z.string().max(500).default('client state reset by an administrator') });

/** Bus payloads: the same fields, plus ids the HTTP API takes from the path, and who acts. */
const actor = { actor: z.string().min(1).max(200).optional() };
export const busSchemas = {
  createGroup: createGroupBody.extend(actor),
  renameGroup: renameGroupBody.extend({ groupId: guidInput, expectedVersion: z.number().int().positive().optional(), ...actor }),
  deleteGroup: z.strictObject({
    groupId: guidInput,
    moveMembersToUnassigned: z.boolean().optional(),
    expectedVersion: z.number().int().positive().optional(),
    ...actor,
  }),
  assignComputer: assignComputerBody.extend({ computerId: computerIdInput, ...actor }),
  approveUpdate: approveUpdateBody.extend({ updateId: guidInput, ...actor }),
  acceptEula: acceptEulaBody.extend({ updateId: guidInput, ...actor }),
  removeApproval: removeApprovalInput.extend({ updateId: guidInput, ...actor }),
  updateOnly: z.strictObject({ updateId: guidInput, ...actor }),
  setTargetingMode: targetingModeBody.extend(actor),
  group: z.strictObject({ groupId: guidInput }),
  computer: z.strictObject({ computerId: computerIdInput }),
  update: z.strictObject({ updateId: guidInput }),
  empty: z.strictObject({}),
  /** The settings and rule bodies are validated by the deciders; here only the envelope. */
  configureServer: z.strictObject({ settings: z.unknown(), expectedVersion: z.number().int().nonnegative().optional(), ...actor }),
  createApprovalRule: z.strictObject({ definition: z.unknown(), ...actor }),
  changeApprovalRule: z.strictObject({ ruleId: guidInput, changes: z.unknown(), ...actor }),
  ruleCommand: z.strictObject({ ruleId: guidInput, ...actor }),
  rule: z.strictObject({ ruleId: guidInput }),
  resolveClientTargeting: z.strictObject({
    computerId: computerIdInput,
    requestedGroupNames: z.array(z.string().max(256)).max(100),
  }),
};
