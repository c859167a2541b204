import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { categoryDocumentXml, runWatershedCli, softwareDocument, startWatershed, type WatershedProcess } from '#test-support';

const UPDATES_CLASSIFICATION = 'cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83';
const hex256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/**
 * The CLI's side of uploads, run as the built binary against the built server: publish with
 * --file (streamed upload, then publish by digest), import documents with their content from a
 * directory, content show/delete, bad paths and exit codes, and no progress-bar noise when stderr
 * is not a terminal (spawnSync pipes it).
 */
describe('CLI: updates publish --file, updates import, content upload|show|delete', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'watershed-e2e-content-cli-'));
  const work = mkdtempSync(path.join(os.tmpdir(), 'watershed-e2e-content-cli-files-'));
  const token = randomBytes(32).toString('hex');
  let server: WatershedProcess;
  let env: NodeJS.ProcessEnv;
  const productId = randomUUID();

  before(async () => {
    server = await startWatershed(['--port', '0'], { WATERSHED_DATA_DIR: dataDir, WATERSHED_ADMIN_TOKENS: token, DATABASE_URL: '', NATS_URL: '' });
    env = { WATERSHED_SERVER: server.url, WATERSHED_TOKEN: token };
  });
  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('imports documents with their content from a directory, one synchronization run each', () => {
    const categories = [
      path.join(work, 'product.xml'),
      path.join(work, 'classification.xml'),
    ];
    writeFileSync(categories[0]!, categoryDocumentXml({ updateId: productId, title: 'Contoso CLI Tools', type: 'Product' }));
    writeFileSync(categories[1]!, categoryDocumentXml({ updateId: UPDATES_CLASSIFICATION, title: 'Updates', type: 'UpdateClassification' }));
    const payload = randomBytes(3 * 1024 * 1024);
    const software = softwareDocument({
      updateId: randomUUID(),
      localizations: [{ language: 'en', title: 'Imported with content' }],
      categoryIds: [productId, UPDATES_CLASSIFICATION],
      files: [{ fileName: 'payload.exe', bytes: payload }],
    });
    const contentDir = path.join(work, 'content');
    mkdirSync(contentDir);
    writeFileSync(path.join(contentDir, 'payload.exe'), payload);
    const softwarePath = path.join(work, 'software.xml');
    writeFileSync(softwarePath, software.xml);

    const result = runWatershedCli(['updates', 'import', ...categories, softwarePath, '--content', contentDir, '--json'], env);
    assert.equal(result.code, 0, result.stderr);
    const body = JSON.parse(result.stdout) as { imports: { path: string; change: string; storedFiles: string[]; synchronizationId: string }[]; failures: unknown[] };
    assert.deepEqual(body.failures, []);
    assert.deepEqual(body.imports.map((i) => i.change), ['new', 'new', 'new']);
    assert.equal(body.imports[2]!.storedFiles.length, 1);
    assert.equal(new Set(body.imports.map((i) => i.synchronizationId)).size, 3);
    assert.doesNotMatch(result.stderr, /\r|%/, 'no progress bar in a pipe');

    // Again: unchanged, nothing re-sent (the server holds every digest), table output.
    const again = runWatershedCli(['updates', 'import', softwarePath, '--content', contentDir], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^DOCUMENT\s+UPDATE\s+REVISION\s+REVISION ID\s+CHANGE/m);
    assert.match(again.stdout, /unchanged/);
  });

  it('imports with --all-or-nothing in one request: all of the documents, or none when one is refused', () => {
    const contentDir = path.join(work, 'batch-content');
    mkdirSync(contentDir);
    const documents = [1, 2].map((n) => {
      const bytes = randomBytes(64 * 1024);
      writeFileSync(path.join(contentDir, `batch-${n}.exe`), bytes);
      const updateId = randomUUID();
      const document = softwareDocument({
        updateId,
        localizations: [{ language: 'en', title: `Batch ${n}` }],
        categoryIds: [productId, UPDATES_CLASSIFICATION],
        files: [{ fileName: `batch-${n}.exe`, bytes }],
      });
      const file = path.join(work, `batch-${n}.xml`);
      writeFileSync(file, document.xml);
      return { file, updateId };
    });
    const broken = path.join(work, 'batch-broken.xml');
    writeFileSync(broken, '<Update><NotAnUpdate/></Update>');
    const third = softwareDocument({ updateId: randomUUID(), localizations: [{ language: 'en', title: 'Batch 3' }], categoryIds: [productId, UPDATES_CLASSIFICATION] });
    const thirdPath = path.join(work, 'batch-3.xml');
    writeFileSync(thirdPath, third.xml);

    // One refused document: nothing of the batch is imported, the exit code is "refused".
    const refused = runWatershedCli(['updates', 'import', thirdPath, broken, '--all-or-nothing'], env);
    assert.equal(refused.code, 5, refused.stderr);
    assert.match(refused.stderr, /UPDATE_DOCUMENT|INVALID|document/i);
    const alone = runWatershedCli(['updates', 'import', thirdPath, '--json'], env);
    assert.equal(alone.code, 0, alone.stderr);
    assert.equal((JSON.parse(alone.stdout) as { imports: { change: string }[] }).imports[0]!.change, 'new', 'the valid document of the refused batch had not been imported');

    const result = runWatershedCli(['updates', 'import', ...documents.map((d) => d.file), '--content', contentDir, '--all-or-nothing', '--json'], env);
    assert.equal(result.code, 0, result.stderr);
    const body = JSON.parse(result.stdout) as { imports: { path: string; updateId: string; change: string; storedFiles: string[]; synchronizationId: string }[] };
    assert.deepEqual(body.imports.map((i) => [i.path, i.updateId, i.change, i.storedFiles.length]), documents.map((d) => [d.file, d.updateId, 'new', 1]));
    assert.equal(new Set(body.imports.map((i) => i.synchronizationId)).size, 1, 'one synchronization run for the batch');

    // Too big for one request: refused before anything is sent, so nothing is imported.
    const bigBytes = randomBytes(9 * 1024 * 1024);
    writeFileSync(path.join(contentDir, 'big.exe'), bigBytes);
    const big = softwareDocument({ updateId: randomUUID(), localizations: [{ language: 'en', title: 'Too big' }], categoryIds: [productId, UPDATES_CLASSIFICATION], files: [{ fileName: 'big.exe', bytes: bigBytes }] });
    const bigPath = path.join(work, 'batch-big.xml');
    writeFileSync(bigPath, big.xml);
    const tooBig = runWatershedCli(['updates', 'import', bigPath, '--content', contentDir, '--all-or-nothing'], env);
    assert.equal(tooBig.code, 2, tooBig.stderr);
    assert.match(tooBig.stderr, /exceed one request \(8 MiB\)/);
    const bigAlone = runWatershedCli(['updates', 'import', bigPath, '--json'], env);
    assert.equal(bigAlone.code, 0, bigAlone.stderr);
    assert.equal((JSON.parse(bigAlone.stdout) as { imports: { change: string }[] }).imports[0]!.change, 'new', 'the refused batch imported nothing');

    const tooMany = runWatershedCli(['updates', 'import', ...Array.from({ length: 1001 }, () => thirdPath), '--all-or-nothing'], env);
    assert.equal(tooMany.code, 2, tooMany.stderr);
    assert.match(tooMany.stderr, /at most 1000 documents/);
  });

  it('publishes with --file (a 10 MiB file, over the JSON body limit) and --eula; content show and delete', () => {
    const setup = randomBytes(10 * 1024 * 1024);
    const setupPath = path.join(work, 'setup.exe');
    writeFileSync(setupPath, setup);
    const licensePath = path.join(work, 'license.txt');
    writeFileSync(licensePath, 'Contoso CLI license terms.\n');
    const metadataPath = path.join(work, 'metadata.json');
    writeFileSync(
      metadataPath,
      JSON.stringify({
        title: 'Contoso CLI Agent',
        description: 'Published from the command line.',
        classification: 'Updates',
        productIds: [productId],
        applicability: {
          isInstalled: { type: 'FileVersion', path: 'Contoso\\cli.exe', comparison: 'GreaterThanOrEqualTo', version: '1.0.0.0', csidl: 38 },
          isInstallable: { type: 'True' },
        },
        installer: { kind: 'commandLine', program: 'setup.exe', arguments: '/quiet' },
      }),
    );

    const published = runWatershedCli(['updates', 'publish', '--metadata', metadataPath, '--file', setupPath, '--eula', `en=${licensePath}`, '--json'], env);
    assert.equal(published.code, 0, published.stderr);
    const { updateId, revisionNumber } = JSON.parse(published.stdout) as { updateId: string; revisionNumber: number };
    assert.equal(revisionNumber, 100);
    assert.doesNotMatch(published.stderr, /\r|%/, 'no progress bar in a pipe');

    const eula = runWatershedCli(['updates', 'eula', updateId], env);
    assert.equal(eula.code, 0, eula.stderr);
    assert.match(eula.stdout, /Contoso CLI license terms\./);

    const shown = runWatershedCli(['content', 'show', hex256(setup), '--json'], env);
    assert.equal(shown.code, 0, shown.stderr);
    assert.deepEqual(JSON.parse(shown.stdout), { sha256: hex256(setup), sha1: createHash('sha1').update(setup).digest('base64'), size: setup.length });

    const inUse = runWatershedCli(['content', 'delete', hex256(setup)], env);
    assert.equal(inUse.code, 5, inUse.stderr);
    assert.match(inUse.stderr, /CONTENT\.IN_USE/);

    const spare = path.join(work, 'spare.bin');
    writeFileSync(spare, randomBytes(5000));
    const uploaded = runWatershedCli(['content', 'upload', spare], env);
    assert.equal(uploaded.code, 0, uploaded.stderr);
    assert.match(uploaded.stdout, /^FILE\s+SHA256\s+SIZE\s+STORED/m);
    assert.match(uploaded.stdout, /uploaded/);
    const sha = /\b([0-9a-f]{64})\b/.exec(uploaded.stdout)![1]!;
    assert.equal(runWatershedCli(['content', 'delete', sha], env).code, 0);
    const gone = runWatershedCli(['content', 'show', sha], env);
    assert.equal(gone.code, 5);
    assert.match(gone.stderr, /CONTENT\.NOT_FOUND/);
  });

  it('a bad path, a bad digest or a missing token is a non-zero exit with a message', () => {
    const missing = path.join(work, 'does-not-exist.exe');
    const publish = runWatershedCli(['updates', 'publish', '--metadata', path.join(work, 'metadata.json'), '--file', missing], env);
    assert.equal(publish.code, 2, publish.stderr);
    assert.match(publish.stderr, /cannot read .*does-not-exist\.exe: ENOENT/);

    const upload = runWatershedCli(['content', 'upload', missing], env);
    assert.equal(upload.code, 2);
    assert.match(upload.stderr, /does-not-exist\.exe/);

    const importing = runWatershedCli(['updates', 'import', missing], env);
    assert.equal(importing.code, 2);

    assert.equal(runWatershedCli(['content', 'show', 'abc'], env).code, 2);
    const spare = path.join(work, 'spare2.bin');
    writeFileSync(spare, randomBytes(100));
    const unauthorized = runWatershedCli(['content', 'upload', spare], { ...env, WATERSHED_TOKEN: 'x'.repeat(40) });
    assert.equal(unauthorized.code, 6, unauthorized.stderr);
  });
});
