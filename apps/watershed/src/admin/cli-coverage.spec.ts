import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { operationPath } from './admin-http.client.js';
import { AWAITING_CLI_COMMAND, CLI_COVERAGE, NOT_FOR_CLI } from './cli-coverage.js';

/** Tests run from the repository root (as the e2e helpers assume): the command sources are read from there. */
const SOURCES = path.resolve('apps/watershed/src/admin');
const commandFiles = readdirSync(SOURCES).filter((f) => f.endsWith('.command.ts'));

/** The operation literals of a file's `export const X_OPERATIONS = [...]`. */
function declaredIn(source: string): string[] {
  const declaration = /export const \w+_OPERATIONS = \[([\s\S]*?)\] as const/.exec(source);
  return declaration ? [...declaration[1]!.matchAll(/'([A-Z]+ \/api\/[^']*)'/g)].map((m) => m[1]!) : [];
}

describe('CLI coverage declarations (the e2e check against /api/openapi.json trusts them)', () => {
  it('finds the command files', () => assert.ok(commandFiles.length >= 8, commandFiles.join(', ')));

  for (const file of commandFiles) {
    it(`${file}: calls through its declared operations only, and calls every one it declares`, () => {
      const source = readFileSync(path.join(SOURCES, file), 'utf8');
      assert.doesNotMatch(source, /\badminRequest\b/, 'use adminCalls(NAME_OPERATIONS): a direct adminRequest escapes the coverage check');
      const declared = declaredIn(source);
      if (!/\bcall\.(json|text)\b/.test(source)) return;
      assert.ok(declared.length > 0, `${file} calls the admin API, so it declares NAME_OPERATIONS (see cli-coverage.ts)`);
      for (const operation of declared) {
        const uses = source.split(`'${operation}'`).length - 1;
        assert.ok(uses >= 2, `${file} declares ${operation} but never calls it`);
      }
      assert.ok(
        Object.values(CLI_COVERAGE).some((ops) => declared.every((op) => (ops as readonly string[]).includes(op))),
        `${file}'s operations are registered in CLI_COVERAGE (cli-coverage.ts)`,
      );
    });
  }

  it('never lists an operation both as covered and as not (yet) for the CLI', () => {
    const covered = new Set(Object.values(CLI_COVERAGE).flat());
    for (const operation of [...Object.keys(NOT_FOR_CLI), ...Object.keys(AWAITING_CLI_COMMAND)]) {
      assert.ok(!covered.has(operation as never), `${operation} is covered: remove it from NOT_FOR_CLI / AWAITING_CLI_COMMAND`);
    }
    for (const reason of [...Object.values(NOT_FOR_CLI), ...Object.values(AWAITING_CLI_COMMAND)]) assert.ok((reason ?? '').length > 10);
  });
});

describe('operationPath', () => {
  it('fills the placeholders URL-encoded and drops query parameters not given', () => {
    assert.deepEqual(operationPath('DELETE /api/v1/groups/{groupId}', { params: { groupId: 'a/b c' }, query: { moveMembersToUnassigned: 'true', x: undefined } }), {
      method: 'DELETE',
      path: '/api/v1/groups/a%2Fb%20c?moveMembersToUnassigned=true',
    });
    assert.deepEqual(operationPath('GET /api/v1/groups'), { method: 'GET', path: '/api/v1/groups' });
  });

  it('refuses a placeholder without a value (a programming error, not a request with "undefined" in it)', () => {
    assert.throws(() => operationPath('GET /api/v1/groups/{groupId}'), /no value for \{groupId\}/);
  });
});
