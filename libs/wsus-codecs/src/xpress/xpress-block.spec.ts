import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { fixturePath } from '../../../../test/support/shared-dir.js';

import { compressXpressBlock } from './xpress-block.encoder.js';
import { decompressXpressBlock } from './xpress-block.decoder.js';
import { XpressFormatError, type XpressFormatErrorCode } from './xpress.errors.js';

/**
 * One DIRECT2 stream (no block header) from its parts, for hand-built vectors: a number is a
 * 32-bit bitmask, a string or byte list is copied as is.
 */
function stream(...parts: ReadonlyArray<number | string | readonly number[] | Uint8Array>): Buffer {
  return Buffer.concat(
    parts.map((part) => {
      if (typeof part === 'number') return uint32(part);
      if (typeof part === 'string') return Buffer.from(part, 'latin1');
      return Buffer.from(part);
    }),
  );
}

/** A bitmask as it sits on the wire: 32 bits, little-endian (see Direct2Writer). */
function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value >>> 0);
  return bytes;
}

function assertFormatError(action: () => unknown, code: XpressFormatErrorCode): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof XpressFormatError, `expected XpressFormatError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

function roundTrip(text: string | Buffer): Buffer {
  const original = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const compressed = compressXpressBlock(original);
  assert.deepEqual(decompressXpressBlock(compressed, original.length), original);
  return compressed;
}

/** All-literal size: every byte plus one bitmask per 32 elements and the end bit's (§2.1.1.1.2). */
function allLiteralsSize(length: number): number {
  return length + 4 * (Math.floor(length / 32) + 1);
}

describe('Xpress block codec (MS-WUSP §2.1.1.1, LZ77 + DIRECT2)', () => {
  describe('worked examples of the spec', () => {
    it('encodes the §2.1.1.1.2 bitmask example "ABCABCDEF" as (0,0)A(0,0)B(0,0)C(3,3)D(0,0)E(0,0)F with bitmask 0001 0001', () => {
      // The spec's 8-bit bitmask b'00010001' is the top byte of the 32-bit one; the bits after the
      // end bit are filled with 1s, as the Windows codec does.
      const expected = stream(0x11ff_ffff, 'ABC', [0x10, 0x00], 'DEF');
      assert.deepEqual(roundTrip('ABCABCDEF'), expected);
    });

    it('decodes that example whatever follows the end bit (0x11000000 as well as 0x11FFFFFF)', () => {
      assert.equal(decompressXpressBlock(stream(0x1100_0000, 'ABC', [0x10, 0x00], 'DEF'), 9).toString('latin1'), 'ABCABCDEF');
    });

    it('encodes the §2.1.1.1.1 note "ABCABCCCC" as (0,0)A(0,0)B(0,0)C(3,3)(1,3): two pointers, no explicit byte after them', () => {
      assert.deepEqual(roundTrip('ABCABCCCC'), stream(0x1fff_ffff, 'ABC', [0x10, 0x00], [0x00, 0x00]));
    });

    it('encodes the §2.1.1.1.1 example "AABCBBABC" ending with its step 7 pointer (5,3)', () => {
      // Steps 2, 5 and 6 of the example are 1-byte matches, which DIRECT2 cannot carry (minimum 3),
      // so they are literals here; step 7's (5,3) is the same pointer as in the spec.
      assert.deepEqual(roundTrip('AABCBBABC'), stream(0x03ff_ffff, 'AABCBB', [0x20, 0x00]));
    });

    it('reads metadata 0x0018 as offset −4, length 3 (§2.1.1.1.2 "Metadata Offset")', () => {
      assert.equal(decompressXpressBlock(stream(0x0fff_ffff, 'ABCD', [0x18, 0x00]), 7).toString('latin1'), 'ABCDABC');
    });

    it('allocates an extra bitmask just for the end bit when the last one is full ("ABCABCDEFG" case)', () => {
      const input = Buffer.from(Array.from({ length: 32 }, (_, i) => 0x40 + i));
      assert.deepEqual(compressXpressBlock(input), stream(0, input, 0xffff_ffff));
    });
  });

  describe('match length encodings (§2.1.1.1.2 "Match Length" table)', () => {
    // 'a' × (L + 1): one literal, then a match of length L at distance 1 (overlapping, §2.1.1.1.1).
    // Bitmask: literal 0, match 1, end bit 1, then 1s = 0x7FFFFFFF.
    const cases: ReadonlyArray<{ length: number; metadata: readonly number[]; why: string }> = [
      { length: 3, metadata: [0x00, 0x00], why: "b'000' + 3" },
      { length: 9, metadata: [0x06, 0x00], why: "b'110' + 3, the longest inline length" },
      { length: 10, metadata: [0x07, 0x00, 0x00], why: "b'111' and nibble 0" },
      { length: 22, metadata: [0x07, 0x00, 0x0c], why: 'nibble 12' },
      { length: 24, metadata: [0x07, 0x00, 0x0e], why: "the spec's example: b'111' + b'1110'" },
      { length: 25, metadata: [0x07, 0x00, 0x0f, 0x00], why: "b'1111' + b'00000000'" },
      { length: 26, metadata: [0x07, 0x00, 0x0f, 0x01], why: "b'1111' + b'00000001'" },
      { length: 255, metadata: [0x07, 0x00, 0x0f, 0xe6], why: 'byte 230' },
      { length: 279, metadata: [0x07, 0x00, 0x0f, 0xfe], why: "b'11111110', the longest additive length" },
      { length: 280, metadata: [0x07, 0x00, 0x0f, 0xff, 0x15, 0x01], why: 'all 1s then 0x0115 = 280 − 3' },
      { length: 281, metadata: [0x07, 0x00, 0x0f, 0xff, 0x16, 0x01], why: '0x0116 = 281 − 3' },
      { length: 65_534, metadata: [0x07, 0x00, 0x0f, 0xff, 0xfb, 0xff], why: 'the longest match a 65535-byte block allows' },
    ];
    for (const { length, metadata, why } of cases) {
      it(`length ${length}: ${why}`, () => {
        const compressed = roundTrip(Buffer.alloc(length + 1, 'a'));
        assert.deepEqual(compressed, stream(0x7fff_ffff, 'a', metadata));
      });
    }

    it('shares one length byte between two long matches: low nibble first, high nibble second, a new byte for the third', () => {
      const input = `${'a'.repeat(13)}${'b'.repeat(21)}${'c'.repeat(12)}`;
      // a + (1,12) | b + (1,20) | c + (1,11): nibbles 2, 10, 1. Bitmask 010101 + end bit.
      const expected = stream(0x57ff_ffff, 'a', [0x07, 0x00, 0xa2], 'b', [0x07, 0x00], 'c', [0x07, 0x00, 0x01]);
      assert.deepEqual(roundTrip(input), expected);
    });
  });

  describe('window (§2.1.1.1.2: 13 offset bits, 8192 bytes)', () => {
    /** Bytes with no 3-byte sequence repeated: (hi 0..63, lo 128..255) pairs, each pair once. */
    function filler(length: number): Buffer {
      const bytes = Buffer.alloc(length);
      for (let i = 0; i < length; i++) {
        const pair = i >> 1;
        bytes[i] = i % 2 === 0 ? pair >> 7 : 0x80 | (pair & 0x7f);
      }
      return bytes;
    }
    const marker = Buffer.from('ABCDEFGHIJKLMNOPQRST');

    it('reaches back exactly 8192 bytes', () => {
      const input = Buffer.concat([marker, filler(8192 - marker.length), marker]);
      const compressed = roundTrip(input);
      assert.ok(compressed.length < allLiteralsSize(input.length) - 10, 'the repeated marker became a match');
      assert.ok(compressed.includes(Buffer.from([0xff, 0xff, 0x0a])), 'offset bits all 1 (distance 8192), nibble 20 − 10');
    });

    it('does not reach back 8193 bytes', () => {
      const input = Buffer.concat([marker, filler(8193 - marker.length), marker]);
      assert.equal(roundTrip(input).length, allLiteralsSize(input.length));
    });

    it('decodes the farthest offset, metadata 0xFFF8', () => {
      const history = filler(8192);
      const literalRuns = Array.from({ length: 8192 / 32 }, (_, run) => stream(0, history.subarray(run * 32, run * 32 + 32)));
      // After 256 full bitmasks of literals: one match, then the end bit.
      const decoded = decompressXpressBlock(Buffer.concat([...literalRuns, stream(0xffff_ffff, [0xf8, 0xff])]), 8195);
      assert.deepEqual(decoded.subarray(8192), history.subarray(0, 3));
    });
  });

  describe('interoperability', () => {
    // The captured GetCookie response as compressed by Samba 4.17's lzxpress_compress (Debian
    // samba-libs, libndr-samba-samba4.so), an independent implementation of the same Win2k3 codec
    // (MS-XCA "plain LZ77"). Its matches differ from ours, so this checks our reading of the
    // format, not our own writing of it. Produced once by hand; the bytes are data, not code.
    const sambaStream = Buffer.from(
      'AAAAADxzOkVudmVsb3BlIHhtbG5zOnM9Imh0dHA6Ly9zY2hlIkQCCG1hcy64AHNvYXAub3JnL0EAL2WMAS8iPvgBQm9kedwBeHNp7gF3LAABBHd3LnczogEyMDAxL1hNTFOCAi1pbnN0YW5jZSKuAWSvAT8JUANHZQEAAwB0Q29va2llUmVzcG9uc4wF3wFtaWNyb3NvZnQuY29tL1NAAAAAAAB3YXJlRGlzdHJpYnV0aW9uL1NlcnZlci9DbGllbnRXZQCAAFhieQBpaAQHAxR1bHQ+PEV4cGlyYakBPjIwMjYtMTAtMDRUMTY6AIAAADAzOjM1Ljk5NjcyMzZaPC9HATxFbmNyeXB0ZWREYXRhPv///VlBBwA//ycBPTgK3wk8L48MN48AIhCYABsUQgBlFj4=',
      'base64',
    );

    it('decodes a stream written by another implementation (Samba lzxpress) of a captured response', () => {
      const original = readFileSync(fixturePath('wusp-native-scan', '03-GetCookie.response.xml'));
      assert.deepEqual(decompressXpressBlock(sambaStream, original.length), original);
    });
  });

  describe('round trips', () => {
    it('an empty block is a lone bitmask holding the end bit', () => {
      assert.deepEqual(roundTrip(Buffer.alloc(0)), stream(0xffff_ffff));
    });

    it('one byte', () => {
      assert.deepEqual(roundTrip('x'), stream(0x7fff_ffff, 'x'));
    });

    it('a full 65535-byte block of mixed content', () => {
      const input = Buffer.alloc(65_535);
      let state = 7;
      for (let i = 0; i < input.length; i++) {
        state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
        input[i] = (i >> 9) % 2 === 0 ? state >>> 24 : 0x61 + ((i * 7) % 13);
      }
      roundTrip(input);
    });

    it('refuses a block over 65535 bytes (§2.1.1)', () => {
      assert.throws(() => compressXpressBlock(Buffer.alloc(65_536)), RangeError);
    });
  });

  describe('malformed streams throw XpressFormatError', () => {
    const cases: ReadonlyArray<{ name: string; bytes: Buffer; size: number; code: XpressFormatErrorCode }> = [
      { name: 'empty stream', bytes: Buffer.alloc(0), size: 1, code: 'XPRESS.TRUNCATED_STREAM' },
      { name: 'bitmask cut short', bytes: Buffer.from([0, 0, 0]), size: 1, code: 'XPRESS.TRUNCATED_STREAM' },
      { name: 'literal missing', bytes: stream(0x3fff_ffff, 'a'), size: 2, code: 'XPRESS.TRUNCATED_STREAM' },
      { name: 'metadata cut short', bytes: stream(0x7fff_ffff, 'a', [0x00]), size: 4, code: 'XPRESS.TRUNCATED_STREAM' },
      { name: 'length nibble missing', bytes: stream(0x7fff_ffff, 'a', [0x07, 0x00]), size: 11, code: 'XPRESS.TRUNCATED_STREAM' },
      { name: 'length byte missing', bytes: stream(0x7fff_ffff, 'a', [0x07, 0x00, 0x0f]), size: 26, code: 'XPRESS.TRUNCATED_STREAM' },
      { name: 'length word missing', bytes: stream(0x7fff_ffff, 'a', [0x07, 0x00, 0x0f, 0xff, 0x15]), size: 281, code: 'XPRESS.TRUNCATED_STREAM' },
      { name: 'match before any output', bytes: stream(0xbfff_ffff, [0x00, 0x00]), size: 3, code: 'XPRESS.OFFSET_BEFORE_START' },
      { name: 'match reaching one byte too far', bytes: stream(0x7fff_ffff, 'a', [0x08, 0x00]), size: 4, code: 'XPRESS.OFFSET_BEFORE_START' },
      { name: 'literal beyond declared size', bytes: stream(0x1fff_ffff, 'abc'), size: 2, code: 'XPRESS.OUTPUT_OVERRUN' },
      { name: 'match beyond declared size', bytes: stream(0x7fff_ffff, 'a', [0x00, 0x00]), size: 3, code: 'XPRESS.OUTPUT_OVERRUN' },
      { name: 'stream shorter than declared', bytes: stream(0x7fff_ffff, 'a'), size: 2, code: 'XPRESS.LENGTH_MISMATCH' },
      // 32 literals fill the bitmask; the spec requires another one for the end bit.
      { name: 'end bit missing', bytes: stream(0, Buffer.alloc(32, 'z')), size: 32, code: 'XPRESS.TRUNCATED_STREAM' },
    ];
    for (const { name, bytes, size, code } of cases) {
      it(`${name} → ${code}`, () => assertFormatError(() => decompressXpressBlock(bytes, size), code));
    }
  });
});
