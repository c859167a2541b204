import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  ADMIN_TOKEN_EVENT_TYPES,
  adminTokenStream,
  EventSchemaRegistry,
  LOG_START,
  newEvent,
  SYSTEM_EVENTS,
} from '#contracts';
import { EventStore, openDatabase } from '#event-store';
import { loadConfig } from '#platform';
import { printResult } from '../admin/output.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { TOKENS_USAGE } from './usage.js';

interface TokenRow {
  tokenId: string;
  name: string;
  createdAt: string;
  revoked: boolean;
}

export async function tokensCommand(positionals: string[], flags: Record<string, string | boolean | undefined>): Promise<void> {
  const [action, argument] = positionals;
  if (action !== 'create' && action !== 'list' && action !== 'revoke') {
    throw new CliError(ExitCode.Usage, `unknown tokens action ${JSON.stringify(action ?? '')}\n\n${TOKENS_USAGE}`);
  }
  const name = typeof flags.name === 'string' ? flags.name.trim() : '';
  if (action === 'create' && (name.length === 0 || name.length > 100)) throw new CliError(ExitCode.Usage, `tokens create needs --name (1-100 characters)\n\n${TOKENS_USAGE}`);
  if (action === 'revoke' && !argument) throw new CliError(ExitCode.Usage, `tokens revoke needs a TOKEN_ID\n\n${TOKENS_USAGE}`);

  const config = loadConfig(process.env, { dataDir: typeof flags['data-dir'] === 'string' ? flags['data-dir'] : undefined });
  const db = await openDatabase(config.store.kind === 'postgres' ? { kind: 'postgres', url: config.store.url } : { kind: 'pglite', dataDir: config.store.dataDir }).catch((error: unknown) => {
    throw new CliError(ExitCode.Unavailable, `cannot open the store (is the server running on the embedded store? stop it first): ${(error as Error).message}`);
  });
  const store = await EventStore.open(db, { registry: new EventSchemaRegistry(SYSTEM_EVENTS) });
  const context = {
    correlationId: randomUUID(),
    causationId: null,
    traceparent: null,
    actor: `cli:${process.env.USER ?? 'unknown'}`,
    now: () => new Date(),
    newId: randomUUID,
  };
  try {
    if (action === 'create') {
      const token = randomBytes(32).toString('hex');
      const tokenId = randomUUID();
      await store.append(
        adminTokenStream(tokenId),
        [newEvent(context, 'AdminTokenCreated', 1, { tokenId, name, sha256: createHash('sha256').update(token, 'utf8').digest('hex') })],
        'no-stream',
      );
      printResult(flags.json === true, { tokenId, name, token }, { headers: ['TOKEN ID', 'NAME', 'TOKEN (shown once)'], rows: [[tokenId, name, token]] });
      return;
    }
    const tokens = await listTokens(store);
    if (action === 'list') {
      printResult(flags.json === true, { tokens }, { headers: ['TOKEN ID', 'NAME', 'CREATED', 'STATE'], rows: tokens.map((t) => [t.tokenId, t.name, t.createdAt, t.revoked ? 'revoked' : 'active']) });
      return;
    }
    const target = tokens.find((t) => t.tokenId === argument);
    if (!target) throw new CliError(ExitCode.Refused, `no token ${argument}`);
    if (!target.revoked) await store.append(adminTokenStream(target.tokenId), [newEvent(context, 'AdminTokenRevoked', 1, { tokenId: target.tokenId })], 'exists');
    printResult(flags.json === true, { tokenId: target.tokenId, revoked: true }, { headers: ['TOKEN ID', 'STATE'], rows: [[target.tokenId, 'revoked']] });
  } finally {
    await store.close();
  }
}

async function listTokens(store: EventStore): Promise<TokenRow[]> {
  const rows = new Map<string, TokenRow>();
  let after = LOG_START;
  for (;;) {
    const page = await store.readAll(after, { limit: 1000, eventTypes: ADMIN_TOKEN_EVENT_TYPES });
    for (const e of page.events) {
      const data = e.data as { tokenId: string; name?: string };
      if (e.type === 'AdminTokenCreated') rows.set(data.tokenId, { tokenId: data.tokenId, name: data.name ?? '', createdAt: e.recordedAt.toISOString(), revoked: false });
      else if (rows.has(data.tokenId)) rows.set(data.tokenId, { ...rows.get(data.tokenId)!, revoked: true });
    }
    if (page.events.length < 1000) return [...rows.values()];
    after = page.position;
  }
}
