/**
 * Identifiers fixed by WSUS itself; downstream servers and admin tools expect these exact values.
 */
export const ALL_COMPUTERS_GROUP_ID = 'a0a08746-4dbe-4a37-9adf-9e7652c0b421';
export const UNASSIGNED_COMPUTERS_GROUP_ID = 'b73ca6ed-5727-47f3-84de-015e03f6a88a';

/** GUIDs in events and keys are lower-case, whatever case a client or document used. */
export const normalizeGuid = (guid: string): string => guid.trim().toLowerCase();
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
