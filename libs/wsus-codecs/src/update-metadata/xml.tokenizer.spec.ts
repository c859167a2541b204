import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { escapeAttribute, escapeText } from './xml-fragment.writer.js';
import { XmlTokenizer, type XmlToken } from './xml.tokenizer.js';

function tokens(xml: string): XmlToken[] {
  const t = new XmlTokenizer(xml);
  const out: XmlToken[] = [];
  for (let token = t.next(); token !== undefined; token = t.next()) out.push(token);
  return out;
}

describe('XmlTokenizer', () => {
  it('emits start, text and end tokens with an implicit end for <a/>', () => {
    const out = tokens('\uFEFF<?xml version="1.0"?><!-- c --><r a=\'1\' b="x&amp;y"><e/>t&lt;&#x41;&#66;<![CDATA[<raw>]]></r>');
    assert.deepEqual(
      out.map((t) => (t.kind === 'start' ? `<${t.name}${t.selfClosing ? '/' : ''}>` : t.kind === 'end' ? `</${t.name}${t.implicit ? '*' : ''}>` : t.text)),
      ['<r>', '<e/>', '</e*>', 't<AB', '<raw>', '</r>'],
    );
    const root = out[0];
    assert.ok(root?.kind === 'start');
    assert.deepEqual(root.attributes, [
      { name: 'a', value: '1' },
      { name: 'b', value: 'x&y' },
    ]);
  });

  it('normalises line ends and attribute white space (XML 1.0 §2.11, §3.3.3)', () => {
    const out = tokens('<r a="1\r\n2\t3&#xA;4">x\r\ny&#xD;</r>');
    const root = out[0];
    assert.ok(root?.kind === 'start');
    assert.equal(root.attributes[0]?.value, '1 2 3\n4');
    const text = out[1];
    assert.ok(text?.kind === 'text');
    assert.equal(text.text, 'x\ny\r');
  });

  it('refuses what is not well-formed', () => {
    for (const bad of ['<a>', '<a></b>', '<a b="1" b="2"/>', '<a b=1/>', '<a>&bogus;</a>', '<a>&#0;</a>', '<a/><b/>', 'x<a/>', '<a b="<"/>', '<!DOCTYPE a><a/>']) {
      assert.throws(() => tokens(bad), { code: 'UPDATE_METADATA.MALFORMED_XML' }, bad);
    }
  });
});

describe('fragment escaping', () => {
  it('escapes text and attributes the way .NET / SQL Server serialise them', () => {
    assert.equal(escapeText('a & b < c > d "e"\r'), 'a &amp; b &lt; c &gt; d "e"&#xD;');
    assert.equal(escapeAttribute('a & "b" <c>\t\n\r'), 'a &amp; &quot;b&quot; &lt;c&gt;&#x9;&#xA;&#xD;');
  });
});
