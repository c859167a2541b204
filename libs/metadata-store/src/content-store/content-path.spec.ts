import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalSha1, contentExtension, contentRelativePath, contentUrlPath, sha1Hex } from './content-path.js';

describe('content paths (WSUS layout, observed-interop.md §A.4)', () => {
  it('builds the URL of the observed example: last two hex digits, upper-case SHA-1, extension', () => {
    // Content/49/A379D5526FB3A7A0423DA1CD7FC3182A8D448449.exe, its SHA-1 in base64:
    assert.equal(contentUrlPath('o3nVUm+zp6BCPaHNf8MYKo1EhEk=', 'setup.exe'), '/Content/49/A379D5526FB3A7A0423DA1CD7FC3182A8D448449.exe');
  });

  it('uses the digest of the fixture leaf AM_Delta.exe', () => {
    assert.equal(sha1Hex('h/W9BGlYUAaqXTp30cZi/SiV3c0='), '87F5BD0469585006AA5D3A77D1C662FD2895DDCD');
    assert.equal(contentRelativePath('h/W9BGlYUAaqXTp30cZi/SiV3c0=', 'AM_Delta.exe'), 'CD/87F5BD0469585006AA5D3A77D1C662FD2895DDCD.exe');
  });

  it('takes the extension after the last dot, as written; none when the name has none', () => {
    assert.equal(contentExtension('windows10.0-kb5005565-x64.cab'), 'cab');
    assert.equal(contentExtension('Setup.MSI'), 'MSI');
    assert.equal(contentExtension('README'), '');
    assert.equal(contentExtension('dir\\file.psf'), 'psf');
    assert.equal(contentRelativePath('h/W9BGlYUAaqXTp30cZi/SiV3c0=', 'README'), 'CD/87F5BD0469585006AA5D3A77D1C662FD2895DDCD');
  });

  it('accepts only base64 that decodes to exactly 20 bytes and round-trips', () => {
    assert.equal(canonicalSha1('h/W9BGlYUAaqXTp30cZi/SiV3c0='), 'h/W9BGlYUAaqXTp30cZi/SiV3c0=');
    assert.equal(canonicalSha1('h/W9BGlYUAaqXTp30cZi/SiV3c0'), 'h/W9BGlYUAaqXTp30cZi/SiV3c0=', 'padding may be omitted');
    assert.equal(canonicalSha1('h/W9BGlYUAaqXTp30cZi/SiV3c1='), null, 'stray low bits do not round-trip');
    assert.equal(canonicalSha1('Amt0qymy5KsROiwIXm4QIIV75Ju4r+Cl28Pg8gaLXUA='), null, 'a SHA-256 is not a SHA-1');
    assert.equal(canonicalSha1('not base64!'), null);
    assert.throws(() => sha1Hex('abc'), RangeError);
  });
});
