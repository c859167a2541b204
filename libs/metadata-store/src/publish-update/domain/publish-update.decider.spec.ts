import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeFile } from './file-digests.js';
import { checkPublish, decidePublish, FIRST_REVISION_NUMBER, nextRevisionNumber } from './publish-update.decider.js';
import { type PublishUpdateInput, PublishUpdateRequest } from './publish-update.request.js';

const NOW = new Date('2026-11-25T12:00:00.000Z');
const ID = '3f2b9a61-5c1e-4d7a-9b3e-8a1c2d4e6f70';
const file = (name: string) => describeFile(name, Buffer.from(name), NOW.toISOString());
const base: PublishUpdateInput = {
  title: 'T',
  description: 'D',
  classification: 'Tools',
  applicability: { isInstalled: { type: 'RegKeyExists', key: 'HKEY_LOCAL_MACHINE', subkey: 'SOFTWARE\\T' } },
  installer: { kind: 'commandLine', program: 'setup.exe' },
};
const problems = (input: PublishUpdateInput, files = [file('setup.exe')]) => checkPublish(PublishUpdateRequest.parse(input), files, ID);

describe('publish-update decider', () => {
  it('given no revisions the first is 100; given some, the next after the highest', () => {
    assert.equal(nextRevisionNumber([]), FIRST_REVISION_NUMBER);
    assert.equal(nextRevisionNumber([100]), 101);
    assert.equal(nextRevisionNumber([250, 100]), 251);
  });

  it('given a new update, it takes the new id; given an UpdateID, it keeps it', () => {
    const a = decidePublish(PublishUpdateRequest.parse(base), [file('setup.exe')], [], { newUpdateId: ID, now: NOW });
    assert.ok('decision' in a && a.decision.updateId === ID && a.decision.revisionNumber === 100);
    const other = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    const b = decidePublish(PublishUpdateRequest.parse({ ...base, updateId: `{${other.toUpperCase()}}` }), [file('setup.exe')], [100, 101], { newUpdateId: ID, now: NOW });
    assert.ok('decision' in b && b.decision.updateId === other && b.decision.revisionNumber === 102);
  });

  it('accepts a consistent request', () => {
    assert.deepEqual(problems(base), []);
  });

  it('refuses a program that is not one of the files, naming the field', () => {
    assert.deepEqual(problems(base, [file('other.exe')]), [{ field: 'installer.program', message: 'setup.exe is not one of the published files' }]);
  });

  it('lets the program name a file inside a published CAB, as WSUS packs installers', () => {
    assert.deepEqual(problems(base, [file('0b1c_1.cab')]), []);
  });

  it('refuses an MSI whose file is not published', () => {
    const input: PublishUpdateInput = { ...base, installer: { kind: 'windowsInstaller', productCode: ID, msiFile: 'app.msi' } };
    assert.deepEqual(problems(input, [file('setup.exe')]), [{ field: 'installer.msiFile', message: 'app.msi is not one of the published files' }]);
  });

  it('refuses a command-line update without IsInstalled', () => {
    assert.deepEqual(problems({ ...base, applicability: {} }), [
      { field: 'applicability.isInstalled', message: 'a command-line update needs an IsInstalled rule' },
    ]);
  });

  it('refuses no files, and two files of one name (ignoring case)', () => {
    assert.deepEqual(problems(base, []).map((p) => p.field), ['files', 'installer.program']);
    assert.deepEqual(problems(base, [file('setup.exe'), file('SETUP.EXE')]).map((p) => p.field), ['files.1.fileName']);
  });

  it('refuses an update superseding itself or listing a superseded id twice, or being its own prerequisite', () => {
    const other = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    assert.deepEqual(
      problems({ ...base, updateId: ID, supersededUpdateIds: [ID, other, other], prerequisites: [[other, ID]] }).map((p) => p.field),
      ['supersededUpdateIds.0', 'supersededUpdateIds.2', 'prerequisites.0.1'],
    );
  });

  it('returns problems instead of a document', () => {
    const outcome = decidePublish(PublishUpdateRequest.parse(base), [], [], { newUpdateId: ID, now: NOW });
    assert.ok('problems' in outcome && outcome.problems.length === 2);
  });

  it('the request schema names the field at fault', () => {
    const result = PublishUpdateRequest.safeParse({ ...base, classification: 'Hotfixes', title: '', productIds: ['nope'] });
    assert.equal(result.success, false);
    assert.deepEqual(result.error!.issues.map((i) => i.path.join('.')).sort(), ['classification', 'productIds.0', 'title']);
  });
});
