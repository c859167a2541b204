import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { runWatershedCli, WindowsUpdateAgentClient } from '#test-support';
import { type BuiltCatalog, buildScenarioCatalog, newScenarioIds, ScenarioServer } from '../support/scenario/index.js';

/** Retries `probe` until it returns a value (the gateways follow the log a few milliseconds behind the admin API). */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The scan settings and the content base URL are server configuration (events), set with the CLI or
 * the admin API, and every SOAP answer follows them: SyncUpdates pages, the unapproved-update policy,
 * FileLocations. A refused change leaves the configuration, and what clients get, as it was.
 */
describe('scan settings and content base URL from the server configuration', () => {
  const server = new ScenarioServer('scan-configuration');
  const clientId = randomUUID();
  let catalog: BuiltCatalog;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    // WATERSHED_PUBLIC_URL is the fallback; the configured content URL must win over it.
    await server.start({ WATERSHED_PUBLIC_URL: 'http://env-fallback.contoso.test:8530' });
    env = { WATERSHED_SERVER: server.url, WATERSHED_TOKEN: server.token };
    catalog = await buildScenarioCatalog(server.api, newScenarioIds(), { computerId: clientId, fillerDetectoids: 40 });
  });
  after(() => server.dispose());

  const newClient = async (): Promise<WindowsUpdateAgentClient> => {
    const client = new WindowsUpdateAgentClient(server.url, { clientId, dnsName: 'pc-settings.contoso.test' });
    await client.handshake();
    return client;
  };

  it('refuses a page size out of range (API 400, CLI non-zero) and keeps the configuration', async () => {
    const before = await server.api.ok<{ version: number; scan: unknown }>('GET', '/api/v1/configuration');
    assert.deepEqual(before.scan, { pageSize: 30, unapprovedPolicy: 'approved-only' });
    const { scan: _scan, version: _v, changedAt: _c, changedBy: _b, ...settings } = before as unknown as Record<string, unknown>;
    const refused = await server.api.call<{ error: { code: string; details: { issues: { path: string }[] } } }>('PUT', '/api/v1/configuration', {
      ...settings,
      scan: { pageSize: 0, unapprovedPolicy: 'detect' },
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, 'CONFIGURATION.INVALID');
    assert.ok(refused.body.error.details.issues.some((i) => i.path === 'scan.pageSize'));
    const cli = runWatershedCli(['configuration', 'set', '--page-size', '201'], env);
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /scan\.pageSize/);
    const unknown = runWatershedCli(['configuration', 'set', '--unapproved', 'everything'], env);
    assert.notEqual(unknown.code, 0);
    const afterRefusals = await server.api.ok<{ version: number; scan: unknown }>('GET', '/api/v1/configuration');
    assert.deepEqual(afterRefusals, before);
  });

  it('the default page is 30; a configured page size of 5 pages every scan by 5', async () => {
    const first = await newClient();
    const pages = await first.syncSoftware();
    assert.equal(Math.max(...pages.map((p) => p.newUpdates.length)), 30);

    const set = runWatershedCli(['configuration', 'set', '--page-size', '5', '--json'], env);
    assert.equal(set.code, 0, set.stderr);
    assert.deepEqual((JSON.parse(set.stdout) as { scan: unknown }).scan, { pageSize: 5, unapprovedPolicy: 'approved-only' });
    const shown = runWatershedCli(['configuration', 'show'], env);
    assert.match(shown.stdout, /scan page size\s+5/);

    const scanned = await eventually('pages of 5', async () => {
      const client = await newClient();
      const first = await client.syncUpdatesPage();
      return first.newUpdates.length === 5 && first.truncated ? client : undefined;
    });
    const rest = await scanned.syncSoftware();
    assert.ok(rest.every((p) => p.newUpdates.length <= 5), 'no page above 5');
    assert.ok(rest.filter((p) => p.truncated).every((p) => p.newUpdates.length === 5), 'a truncated page is a full one');
    const seen = new Set([...scanned.cache.keys()]);
    assert.deepEqual(seen, new Set(first.cache.keys()), 'the same updates, only in smaller pages');
  });

  it('detect: unapproved updates come with PreDeploymentCheck; back to approved-only puts them out of scope', async () => {
    const client = await newClient();
    await client.syncSoftware();
    const later = catalog.revisionIds.get(catalog.ids.later)!;
    assert.equal(client.cache.has(later), false, 'not approved: not sent');

    assert.equal(runWatershedCli(['configuration', 'set', '--unapproved', 'detect'], env).code, 0);
    const detected = await eventually('the unapproved update', async () => {
      const pages = await client.syncSoftware();
      return pages.flatMap((p) => p.newUpdates).find((u) => u.revisionId === later);
    });
    assert.equal(detected.deploymentAction, 'PreDeploymentCheck');

    assert.equal(runWatershedCli(['configuration', 'set', '--unapproved', 'approved-only'], env).code, 0);
    await eventually('the unapproved update out of scope', async () => {
      const pages = await client.syncSoftware();
      return pages.some((p) => p.outOfScope.includes(later)) ? true : undefined;
    });
    assert.equal(client.cache.has(later), false);
  });

  it('FileLocations: the configured content base URL, else WATERSHED_PUBLIC_URL', async () => {
    const client = await newClient();
    const digest = catalog.documents.get(catalog.ids.chainC)!.digests[0]!;
    const [fallback] = await client.getFileLocations([digest.sha1]);
    assert.match(fallback!.url, /^http:\/\/env-fallback\.contoso\.test:8530\/Content\//);

    assert.equal(runWatershedCli(['configuration', 'set', '--content-url', 'https://content.contoso.test:8531'], env).code, 0);
    const configured = await eventually('the configured URL', async () => {
      const [location] = await client.getFileLocations([digest.sha1]);
      return location!.url.startsWith('https://content.contoso.test:8531/') ? location! : undefined;
    });
    assert.equal(configured.url.slice('https://content.contoso.test:8531'.length), fallback!.url.slice('http://env-fallback.contoso.test:8530'.length));
    // GetExtendedUpdateInfo's FileLocations follow the same base.
    const info = await client.getExtendedUpdateInfo([catalog.revisionIds.get(catalog.ids.chainC)!], ['Extended']);
    assert.match(JSON.stringify(info), /https:\/\/content\.contoso\.test:8531\/Content\//);

    assert.equal(runWatershedCli(['configuration', 'set', '--content-url', 'none'], env).code, 0);
    await eventually('the fallback again', async () => {
      const [location] = await client.getFileLocations([digest.sha1]);
      return location!.url === fallback!.url ? true : undefined;
    });
  });
});
