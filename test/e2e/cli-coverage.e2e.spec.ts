import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startWatershed, type WatershedProcess } from '#test-support';
import { AWAITING_CLI_COMMAND, CLI_COVERAGE, NOT_FOR_CLI } from '../../apps/watershed/src/admin/cli-coverage.js';

/**
 * "The CLI covers everything the API does", checked: every operation the server serves (its OpenAPI
 * document is built from the routes it serves) is called by a CLI command, or listed with a reason.
 * To extend, see apps/watershed/src/admin/cli-coverage.ts.
 */
describe('every served admin API operation has a CLI command', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-cli-coverage-'));
  let server: WatershedProcess;
  let served: string[];
  before(async () => {
    server = await startWatershed(['--port', '0'], { WATERSHED_DATA_DIR: dataDir, DATABASE_URL: '', NATS_URL: '' });
    const response = await fetch(`${server.url}/api/openapi.json`);
    assert.equal(response.status, 200);
    const doc = (await response.json()) as { paths: Record<string, Record<string, unknown>> };
    served = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds the admin API in the document', () => {
    assert.ok(served.length >= 30, served.join('\n'));
    assert.ok(served.includes('GET /api/v1/groups'));
  });

  it('covers each served operation with a command (or a listed reason)', () => {
    const covered = new Set<string>(Object.values(CLI_COVERAGE).flat());
    const excused = new Set<string>([...Object.keys(NOT_FOR_CLI), ...Object.keys(AWAITING_CLI_COMMAND)]);
    const uncovered = served.filter((op) => !covered.has(op) && !excused.has(op));
    assert.deepEqual(uncovered, [], `served, but no CLI command calls them (add one, see apps/watershed/src/admin/cli-coverage.ts):\n  ${uncovered.join('\n  ')}`);
  });

  it('declares no operation the server does not serve', () => {
    const servedSet = new Set(served);
    const declared = [
      ...Object.entries(CLI_COVERAGE).flatMap(([command, ops]) => ops.map((op) => ({ op: String(op), by: `watershed ${command}` }))),
      ...Object.keys(NOT_FOR_CLI).map((op) => ({ op, by: 'NOT_FOR_CLI' })),
      ...Object.keys(AWAITING_CLI_COMMAND).map((op) => ({ op, by: 'AWAITING_CLI_COMMAND' })),
    ];
    const unknown = declared.filter((d) => !servedSet.has(d.op)).map((d) => `${d.op} (${d.by})`);
    assert.deepEqual(unknown, [], `declared, but not in /api/openapi.json:\n  ${unknown.join('\n  ')}`);
  });
});
