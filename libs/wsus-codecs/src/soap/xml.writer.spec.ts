import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SOAP_LIMITS } from './soap-limits.config.js';
import { parseXmlDocument } from './xml-document.parser.js';
import { element, escapeAttribute, escapeText, textElement, writeXml } from './xml.writer.js';

describe('writeXml', () => {
  it('escapes text like .NET XmlWriter: & < > escaped, quotes kept', () => {
    assert.equal(escapeText('<UpdateIdentity UpdateID="x" /> & \'y\''), '&lt;UpdateIdentity UpdateID="x" /&gt; &amp; \'y\'');
  });

  it('escapes attributes including quotes and whitespace that normalisation would lose', () => {
    assert.equal(escapeAttribute('a"b<c>&\r\n\t'), 'a&quot;b&lt;c&gt;&amp;&#xD;&#xA;&#x9;');
  });

  it('self-closes empty elements without a space, as WSUS writes them', () => {
    assert.equal(writeXml(element('Parameter')), '<Parameter/>');
    assert.equal(writeXml(textElement('Message', '')), '<Message/>');
    assert.equal(writeXml(element('A', [textElement('B', 'x')], [['xmlns', 'urn:a']])), '<A xmlns="urn:a"><B>x</B></A>');
  });

  it('refuses characters XML 1.0 cannot carry', () => {
    assert.throws(() => writeXml(textElement('A', 'bell\u0007')), RangeError);
    assert.throws(() => writeXml(textElement('A', 'lone \ud800 surrogate')), RangeError);
  });

  it('round-trips arbitrary text and attributes through the parser', () => {
    const text = 'line1\r\nline2 <&> "q" \'a\' \u00e9 \u{1f600}';
    const xml = writeXml(textElement('A', text, [['v', text]]));
    const parsed = parseXmlDocument(xml, DEFAULT_SOAP_LIMITS);
    assert.equal(parsed.text, text);
    assert.equal(parsed.attributes[0]?.value, text);
  });
});
