import { z } from 'zod';
import { defineEvent } from '../events/event-schema-registry.js';

/**
 * Admin API tokens created with `watershed tokens create`. Only the token's SHA-256 is stored: the
 * log is readable by operators and replicated, the token itself is shown once to whoever made it.
 */
export const AdminTokenCreated = defineEvent(
  'AdminTokenCreated',
  1,
  z.object({
    tokenId: z.string().uuid(),
    name: z.string().min(1).max(100),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
);

export const AdminTokenRevoked = defineEvent('AdminTokenRevoked', 1, z.object({ tokenId: z.string().uuid() }));

export const adminTokenStream = (tokenId: string): string => `admin-token-${tokenId}`;
export const ADMIN_TOKEN_EVENT_TYPES = ['AdminTokenCreated', 'AdminTokenRevoked'] as const;
