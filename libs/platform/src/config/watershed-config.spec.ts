import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, DEFAULT_PORT, loadConfig } from './watershed-config.js';

const key = (id: string): string => `${id}:${Buffer.alloc(32, 7).toString('base64')}`;
const problems = (env: NodeJS.ProcessEnv, overrides = {}): string[] => {
  try {
    loadConfig(env, overrides);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems.map((p) => `${p.setting}: ${p.message}`);
  }
  assert.fail('expected a ConfigError');
};

describe('configuration', () => {
  it('defaults to all-in-one on port 8530 with the embedded store and in-process bus', () => {
    const config = loadConfig({});
    assert.equal(config.port, DEFAULT_PORT);
    assert.equal(config.mode, 'all-in-one');
    assert.equal(config.services.length, 5);
    assert.deepEqual(config.store, { kind: 'pglite', dataDir: path.resolve('./data') });
    assert.deepEqual(config.bus, { kind: 'in-process' });
    assert.equal(config.contentDir, path.resolve('./data/content'));
    assert.equal(config.cookieKeys, null);
    assert.deepEqual(config.adminTokens, []);
  });

  it('lets flags override the environment', () => {
    const config = loadConfig({ WATERSHED_PORT: '9000' }, { port: '9100', services: 'all' });
    assert.equal(config.port, 9100);
  });

  it('runs a subset of services in split mode with PostgreSQL and NATS', () => {
    const config = loadConfig({
      WATERSHED_SERVICES: 'reporting, deployment',
      DATABASE_URL: 'postgres://wsus@db/wsus',
      NATS_URL: 'nats://nats:4222',
      WATERSHED_NATS_NAMESPACE: 'site1.',
    });
    assert.equal(config.mode, 'split');
    assert.deepEqual(config.services, ['deployment', 'reporting']);
    assert.deepEqual(config.bus, { kind: 'nats', url: 'nats://nats:4222', namespace: 'site1.', streamName: 'WATERSHED' });
  });

  it('names every bad setting, and the flag when a flag was wrong', () => {
    assert.deepEqual(problems({ WATERSHED_PORT: '70000', WATERSHED_LOG_LEVEL: 'loud' }), [
      'WATERSHED_PORT: must be between 0 and 65535 (got "70000")',
      'WATERSHED_LOG_LEVEL: Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent" (got "loud")',
    ]);
    assert.match(problems({}, { services: 'gateway' })[0]!, /^--services: unknown service gateway/);
  });

  it('requires PostgreSQL, NATS and cookie keys for a split gateway', () => {
    const found = problems({ WATERSHED_SERVICES: 'soap-gateway' });
    assert.equal(found.length, 3);
    assert.match(found.join('\n'), /NATS_URL: required/);
    assert.match(found.join('\n'), /DATABASE_URL: required/);
    assert.match(found.join('\n'), /WATERSHED_COOKIE_KEYS: required/);
  });

  it('reads cookie keys, newest first, and refuses short or duplicate ones', () => {
    const config = loadConfig({ WATERSHED_COOKIE_KEYS: `${key('k2')},${key('k1')}` });
    assert.deepEqual(config.cookieKeys?.map((k) => [k.id, k.key.length]), [['k2', 32], ['k1', 32]]);
    assert.match(problems({ WATERSHED_COOKIE_KEYS: 'k1:c2hvcnQ=' })[0]!, /exactly 32 bytes/);
    assert.match(problems({ WATERSHED_COOKIE_KEYS: `${key('k1')},${key('k1')}` })[0]!, /appears twice/);
  });

  it('hides the database URL in messages and validates URLs and tokens', () => {
    assert.deepEqual(problems({ DATABASE_URL: 'mysql://root:pw@x/db' }), ['DATABASE_URL: must be a postgres:// or postgresql:// URL (got (hidden))']);
    assert.match(problems({ WATERSHED_PUBLIC_URL: 'http://wsus:8530/path' })[0]!, /no path/);
    assert.match(problems({ WATERSHED_ADMIN_TOKENS: 'short' })[0]!, /at least 32/);
    assert.equal(loadConfig({ WATERSHED_PUBLIC_URL: 'http://wsus.example.com:8530/' }).publicUrl, 'http://wsus.example.com:8530');
  });

  it('bounds content uploads at 32 GiB unless WATERSHED_UPLOAD_MAX_BYTES says otherwise', () => {
    assert.equal(loadConfig({}).uploadMaxBytes, 32 * 1024 ** 3);
    assert.equal(loadConfig({ WATERSHED_UPLOAD_MAX_BYTES: '1048576' }).uploadMaxBytes, 1_048_576);
    assert.match(problems({ WATERSHED_UPLOAD_MAX_BYTES: '0' })[0]!, /^WATERSHED_UPLOAD_MAX_BYTES: must be between 1/);
    assert.match(problems({ WATERSHED_UPLOAD_MAX_BYTES: '2G' })[0]!, /whole number/);
  });
});
