import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fixturePath } from '#test-support';
import { EMPTY_PACKED_XML, packXml, unpackXml } from './core-fragment.js';

/** Core fragments a native client was served, and the Windows 11 servicing ones (real markup, not generated). */
function fixtureCores(): { name: string; xml: string }[] {
  const folders = ['wusp-fragments-served-to-native-wua', 'wusp-fragments-windows11-servicing'];
  return folders.flatMap((folder) =>
    readdirSync(fixturePath('update-metadata', folder))
      .filter((name) => /\.core(-REDUCED)?\.xml$/.test(name))
      .map((name) => ({ name, xml: readFileSync(fixturePath('update-metadata', folder, name), 'utf8') })),
  );
}

describe('packed Core fragments', () => {
  it('give back every real fragment exactly, in less than half the characters', () => {
    const cores = fixtureCores();
    assert.ok(cores.length >= 4, 'the fixtures hold Core fragments');
    for (const { name, xml } of cores) {
      const packed = packXml(xml);
      assert.equal(unpackXml(packed), xml, name);
      assert.ok(packed.length * 2 < xml.length, `${name}: ${packed.length} packed of ${xml.length}`);
    }
  });

  it('keep characters beyond ASCII, and the empty fragment of a revision no longer served', () => {
    const xml = '<b.FileExists Path="C:\\Programme\\Überprüfung\\日本語.dll" Csidl="38" />';
    assert.equal(unpackXml(packXml(xml)), xml);
    assert.equal(packXml(''), EMPTY_PACKED_XML);
    assert.equal(unpackXml(EMPTY_PACKED_XML), '');
  });

  it('pack one fragment to one value, so a re-import compares equal', () => {
    const [{ xml }] = fixtureCores() as [{ name: string; xml: string }];
    assert.equal(packXml(xml), packXml(`${xml}`));
    assert.notEqual(packXml(xml), packXml(xml.replace('RevisionNumber="', 'RevisionNumber="1')));
  });
});
