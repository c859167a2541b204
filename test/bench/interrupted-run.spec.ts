import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { undoInterruptedRun, undoOnInterrupt } from './interrupted-run.js';

describe('interrupted-run: what an interrupted bench undoes', () => {
  it('undoes what is still registered, newest first, each once; a failure is reported and the rest still undone', async () => {
    const undone: string[] = [];
    const reported: string[] = [];
    undoOnInterrupt(() => void undone.push('data directory'));
    const dropDatabase = undoOnInterrupt(() => void undone.push('database'));
    undoOnInterrupt(() => {
      throw new Error('cgroup busy');
    });
    undoOnInterrupt(async () => void undone.push('server'));
    await dropDatabase(); // the scenario's own finally got there first
    await dropDatabase();
    assert.deepEqual(undone, ['database']);

    await undoInterruptedRun((line) => reported.push(line));
    assert.deepEqual(undone, ['database', 'server', 'data directory']);
    assert.deepEqual(reported, ['interrupted run: could not undo a step (cgroup busy)']);
    await undoInterruptedRun((line) => reported.push(line));
    assert.deepEqual(undone, ['database', 'server', 'data directory'], 'nothing is undone twice');
  });
});
