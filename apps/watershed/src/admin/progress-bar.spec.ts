import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progressBar } from './progress-bar.js';

const recorder = (isTTY: boolean) => {
  const written: string[] = [];
  return { isTTY, columns: 100, write: (text: string) => written.push(text), written };
};

describe('progress bar', () => {
  it('draws in place on a terminal and ends its line', () => {
    const out = recorder(true);
    const bar = progressBar(out, 'uploading setup.exe', 4 * 1024 * 1024);
    bar.update(1024 * 1024);
    bar.finish();
    const text = out.written.join('');
    assert.match(text, /^\ruploading setup\.exe \[#{8}-{22}\] {2}25% {2}1\.0\/4\.0 MiB/);
    assert.match(text, /\ruploading setup\.exe \[#{30}\] 100% {2}4\.0\/4\.0 MiB\s*\n$/);
  });

  it('counts items for multi-document imports', () => {
    const out = recorder(true);
    const bar = progressBar(out, 'importing', 3, { unit: 'items' });
    bar.finish();
    assert.match(out.written.join(''), /importing \[#{30}\] 100% {2}3\/3/);
  });

  it('draws nothing in a pipe or under --json', () => {
    for (const [out, json] of [[recorder(false), false], [recorder(true), true]] as const) {
      const bar = progressBar(out, 'uploading', 10, { json });
      bar.update(5);
      bar.finish();
      assert.deepEqual(out.written, []);
    }
  });
});
