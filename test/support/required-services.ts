import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connect } from '@nats-io/transport-node';

/**
 * Integration tests talk to the real PostgreSQL and NATS this machine runs. Under CI=true a missing
 * service fails the run (a silent skip would report green on nothing); elsewhere the tests skip with
 * a loud message naming what is missing.
 */
export const TEST_PG_ADMIN_URL = process.env.WATERSHED_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_NATS_URL = process.env.WATERSHED_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

const inCi = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

async function probePostgres(): Promise<string | null> {
  const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return `PostgreSQL unreachable at ${TEST_PG_ADMIN_URL}: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function probeNats(): Promise<string | null> {
  try {
    const nc = await connect({ servers: TEST_NATS_URL, timeout: 3000 });
    await nc.close();
    return null;
  } catch (error) {
    return `NATS unreachable at ${TEST_NATS_URL}: ${(error as Error).message}`;
  }
}

const probes = { postgres: probePostgres, nats: probeNats } as const;
export type RequiredService = keyof typeof probes;

/**
 * Returns a `skip` value for node:test: false when every service answers; a reason string when one
 * does not (outside CI). Under CI it throws instead, failing the test file.
 */
export async function requireServices(...services: RequiredService[]): Promise<false | string> {
  const problems = (await Promise.all(services.map((s) => probes[s]()))).filter((p): p is string => p !== null);
  if (problems.length === 0) return false;
  const message = problems.join('; ');
  if (inCi()) throw new Error(`${message} — CI requires it; start the service (see README, "Tests").`);
  process.stderr.write(`\n!!! SKIPPING integration tests: ${message}\n!!! They run under CI, where the service is required.\n\n`);
  return message;
}

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** One connection to `url` for `fn`, closed afterwards whatever `fn` did. */
export async function withPgClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, uniquely named database for one test file; drop() removes it with any open sessions. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const name = `watershed_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withPgClient(TEST_PG_ADMIN_URL, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      await withPgClient(TEST_PG_ADMIN_URL, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** A subject namespace and stream prefix unique to this test run, so runs never see each other. */
export function uniqueNatsNamespace(label = 't'): { namespace: string; streamName: string } {
  const id = `${label}_${process.pid}_${randomBytes(4).toString('hex')}`;
  return { namespace: `test.${id}.`, streamName: `WATERSHED_TEST_${id}`.toUpperCase() };
}
