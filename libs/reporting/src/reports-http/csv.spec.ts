import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toCsv } from './csv.js';

describe('CSV export', () => {
  it('quotes what needs quoting and neutralises formulas', () => {
    assert.equal(
      toCsv(['name', 'note'], [['pc,1', 'say "hi"'], ['pc2', 'line\nbreak'], ['=cmd()', null], ['-5', new Date('2026-01-02T03:04:05Z')]]),
      'name,note\r\n"pc,1","say ""hi"""\r\npc2,"line\nbreak"\r\n\'=cmd(),\r\n\'-5,2026-01-02T03:04:05.000Z\r\n',
    );
  });
});
