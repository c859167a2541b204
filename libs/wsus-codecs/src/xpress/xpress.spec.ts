import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { fixturePath } from '../../../../test/support/shared-dir.js';
import {
  compressXpress,
  compressXpressBlock,
  decompressXpress,
  readXpressBlockHeader,
  XPRESS_DEFAULT_BLOCK_BYTES,
  XPRESS_MAX_BLOCK_BYTES,
  XpressFormatError,
  type XpressBlockHeader,
  type XpressFormatErrorCode,
} from './index.js';

function assertFormatError(action: () => unknown, code: XpressFormatErrorCode): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof XpressFormatError, `expected XpressFormatError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

function roundTrip(input: Uint8Array, blockSize?: number): Buffer {
  const body = compressXpress(input, blockSize === undefined ? {} : { blockSize });
  assert.deepEqual(decompressXpress(body), Buffer.from(input));
  return body;
}

/** The block headers of a body, in order (§2.1.1). */
function headersOf(body: Buffer): XpressBlockHeader[] {
  const headers: XpressBlockHeader[] = [];
  for (let at = 0; at < body.length; ) {
    const header = readXpressBlockHeader(body, at);
    headers.push(header);
    at += 8 + header.compressedSize;
  }
  return headers;
}

function block(originalSize: number, compressedSize: number, payload: Uint8Array): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt32LE(originalSize, 0);
  header.writeInt32LE(compressedSize, 4);
  return Buffer.concat([header, payload]);
}

/** Deterministic bytes (xorshift32), so failures reproduce. */
function pseudoRandomBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

function responseFixtures(): ReadonlyArray<{ name: string; body: Buffer }> {
  const folder = fixturePath('wusp-native-scan');
  return readdirSync(folder)
    .filter((name) => name.endsWith('.response.xml'))
    .sort()
    .map((name) => ({ name, body: readFileSync(`${folder}/${name}`) }));
}

/**
 * A SyncUpdates-shaped response of about `targetBytes`: real captured responses and real update
 * metadata, XML-escaped into <UpdateInfo> elements with fresh GUIDs and ids so that it does not
 * repeat itself more than a real catalog would.
 */
function largeSoapResponse(targetBytes: number): Buffer {
  const documents = [
    ...responseFixtures().map(({ body }) => body.toString('utf8')),
    ...['wsusss-GetUpdateData-decoded', 'wusp-fragments-windows11-servicing'].flatMap((folder) =>
      readdirSync(fixturePath('update-metadata', folder))
        .filter((name) => name.endsWith('.xml'))
        .map((name) => readFileSync(fixturePath('update-metadata', folder, name), 'utf8')),
    ),
  ];
  const noise = pseudoRandomBytes(targetBytes, 2026);
  let noiseAt = 0;
  const hex = (count: number): string => noise.subarray(noiseAt, (noiseAt += count)).toString('hex').slice(0, count);
  const parts = ['<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><SyncUpdatesResponse><SyncUpdatesResult><NewUpdates>'];
  let size = 0;
  for (let id = 100_000; size < targetBytes; id++) {
    const document = documents[(noise[noiseAt++] ?? 0) % documents.length] ?? '';
    const fresh = document.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, () => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`);
    const escaped = fresh.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
    const part = `<UpdateInfo><ID>${id}</ID><Deployment><ID>${id * 7}</ID><Action>Install</Action><IsAssigned>true</IsAssigned></Deployment><IsLeaf>true</IsLeaf><Xml>${escaped}</Xml></UpdateInfo>`;
    parts.push(part);
    size += part.length;
  }
  parts.push('</NewUpdates></SyncUpdatesResult></SyncUpdatesResponse></s:Body></s:Envelope>');
  return Buffer.from(parts.join(''), 'utf8');
}

describe('Xpress body framing (MS-WUSP §2.1.1)', () => {
  describe('block layout', () => {
    it('an empty body is zero blocks, and decodes to nothing', () => {
      assert.equal(compressXpress(Buffer.alloc(0)).length, 0);
      assert.equal(decompressXpress(Buffer.alloc(0)).length, 0);
    });

    it('one byte is one stored block: header (1, 1) little-endian, then the byte', () => {
      assert.deepEqual(roundTrip(Buffer.from('x')), Buffer.from([1, 0, 0, 0, 1, 0, 0, 0, 0x78]));
    });

    it('a block that shrinks carries its DIRECT2 stream (§2.1.1.1) after the header (original, compressed)', () => {
      const repetitive = Buffer.alloc(100, 'ab');
      const stream = compressXpressBlock(repetitive);
      assert.deepEqual(roundTrip(repetitive), block(100, stream.length, stream));
    });

    it('a block that would not shrink is stored: compressed size = original size, bytes as they are', () => {
      const input = Buffer.from('ABCABCDEF');
      assert.ok(compressXpressBlock(input).length >= input.length, '13 bytes of stream for 9 of input');
      assert.deepEqual(roundTrip(input), block(9, 9, input));
    });

    it(`cuts input into ${XPRESS_DEFAULT_BLOCK_BYTES}-byte blocks, as Windows Server 2025 does, the last holding the rest`, () => {
      const input = largeSoapResponse(3 * XPRESS_DEFAULT_BLOCK_BYTES + 100);
      const headers = headersOf(roundTrip(input));
      const sizes = headers.map((header) => header.originalSize);
      assert.deepEqual(sizes.slice(0, -1), Array(sizes.length - 1).fill(XPRESS_DEFAULT_BLOCK_BYTES));
      assert.equal(sizes.reduce((sum, size) => sum + size, 0), input.length);
      for (const header of headers) assert.ok(header.compressedSize < header.originalSize);
    });

    for (const size of [XPRESS_DEFAULT_BLOCK_BYTES - 1, XPRESS_DEFAULT_BLOCK_BYTES, XPRESS_DEFAULT_BLOCK_BYTES + 1, XPRESS_MAX_BLOCK_BYTES, XPRESS_MAX_BLOCK_BYTES + 1]) {
      it(`round-trips ${size} bytes around block boundaries, with default and 65535-byte blocks`, () => {
        const input = largeSoapResponse(size).subarray(0, size);
        assert.equal(headersOf(roundTrip(input)).length, Math.ceil(size / XPRESS_DEFAULT_BLOCK_BYTES));
        assert.equal(headersOf(roundTrip(input, XPRESS_MAX_BLOCK_BYTES)).length, Math.ceil(size / XPRESS_MAX_BLOCK_BYTES));
      });
    }

    it('refuses block sizes outside 1..65535', () => {
      for (const blockSize of [0, -1, 1.5, XPRESS_MAX_BLOCK_BYTES + 1]) {
        assert.throws(() => compressXpress(Buffer.from('abc'), { blockSize }), RangeError);
      }
    });

    it('is deterministic', () => {
      const input = largeSoapResponse(50_000);
      assert.deepEqual(compressXpress(input), compressXpress(input));
    });
  });

  describe('round trips', () => {
    it('highly repetitive input (1 MiB of one byte) shrinks to well under 1%', () => {
      const input = Buffer.alloc(1024 * 1024, 0x41);
      assert.ok(roundTrip(input).length < input.length / 100);
    });

    it('incompressible input is stored block by block: 8 bytes of header per block, no more', () => {
      const input = pseudoRandomBytes(200_000, 42);
      const body = roundTrip(input);
      const blocks = Math.ceil(input.length / XPRESS_DEFAULT_BLOCK_BYTES);
      assert.equal(body.length, input.length + 8 * blocks);
      for (const header of headersOf(body)) assert.equal(header.compressedSize, header.originalSize);
    });

    it('incompressible input with 65535-byte blocks stays within the 65535-byte compressed limit', () => {
      for (const header of headersOf(roundTrip(pseudoRandomBytes(200_000, 7), XPRESS_MAX_BLOCK_BYTES))) {
        assert.ok(header.compressedSize <= XPRESS_MAX_BLOCK_BYTES);
      }
    });

    it('every captured native-scan response body round-trips', () => {
      const fixtures = responseFixtures();
      assert.ok(fixtures.length >= 10, 'fixtures found');
      for (const { name, body } of fixtures) {
        const compressed = compressXpress(body);
        assert.deepEqual(decompressXpress(compressed), body, name);
        assert.ok(compressed.length < body.length, `${name} shrinks`);
      }
    });

    it('a 2 MB SOAP response round-trips in many blocks and shrinks to under 40%', () => {
      const input = largeSoapResponse(2_000_000);
      const body = roundTrip(input);
      assert.ok(headersOf(body).length > 100);
      assert.ok(body.length < input.length * 0.4, `${body.length} of ${input.length}`);
    });

    it('decodes a body mixing compressed and stored blocks, the shape WSUS sends (stored tail)', () => {
      const head = Buffer.alloc(XPRESS_DEFAULT_BLOCK_BYTES, 'a');
      const tail = Buffer.from('</s:Envelope>');
      const body = Buffer.concat([compressXpress(head), block(tail.length, tail.length, tail)]);
      assert.deepEqual(decompressXpress(body), Buffer.concat([head, tail]));
    });
  });

  describe('malformed bodies throw XpressFormatError', () => {
    const valid = compressXpress(Buffer.from('hello hello hello hello hello'));
    const stream = valid.subarray(8);
    const cases: ReadonlyArray<{ name: string; body: Buffer; code: XpressFormatErrorCode }> = [
      { name: 'header cut short', body: valid.subarray(0, 5), code: 'XPRESS.TRUNCATED_HEADER' },
      { name: 'payload cut short', body: valid.subarray(0, valid.length - 1), code: 'XPRESS.TRUNCATED_BLOCK' },
      { name: 'trailing bytes after the last block', body: Buffer.concat([valid, Buffer.from([1, 2, 3])]), code: 'XPRESS.TRUNCATED_HEADER' },
      { name: 'original size 0', body: block(0, 4, Buffer.alloc(4)), code: 'XPRESS.INVALID_BLOCK_SIZE' },
      { name: 'original size 65536', body: block(65_536, 4, Buffer.alloc(4)), code: 'XPRESS.INVALID_BLOCK_SIZE' },
      { name: 'negative original size', body: block(-1, 4, Buffer.alloc(4)), code: 'XPRESS.INVALID_BLOCK_SIZE' },
      { name: 'negative compressed size', body: block(4, -1, Buffer.alloc(4)), code: 'XPRESS.INVALID_BLOCK_SIZE' },
      { name: 'compressed size over 65535', body: block(4, 65_536, Buffer.alloc(4)), code: 'XPRESS.INVALID_BLOCK_SIZE' },
      { name: 'compressed size beyond the body', body: block(100, 50, Buffer.alloc(10)), code: 'XPRESS.TRUNCATED_BLOCK' },
      { name: 'declared size larger than the stream decodes to', body: block(40, stream.length, stream), code: 'XPRESS.LENGTH_MISMATCH' },
      { name: 'declared size smaller than the stream decodes to', body: block(20, stream.length, stream), code: 'XPRESS.OUTPUT_OVERRUN' },
      {
        // Each block is compressed on its own (§2.1.1), so a match may not reach into an earlier one.
        name: 'a match reaching into the previous block',
        body: Buffer.concat([block(3, 3, Buffer.from('abc')), block(3, 6, Buffer.from([0xff, 0xff, 0xff, 0xbf, 0x10, 0x00]))]),
        code: 'XPRESS.OFFSET_BEFORE_START',
      },
    ];
    for (const { name, body, code } of cases) {
      it(`${name} → ${code}`, () => assertFormatError(() => decompressXpress(body), code));
    }

    it('random corruption of valid bodies yields the original size or XpressFormatError, never another failure', { timeout: 30_000 }, () => {
      const input = largeSoapResponse(40_000);
      const body = compressXpress(input);
      const noise = pseudoRandomBytes(4 * 3000, 99);
      for (let trial = 0; trial < 3000; trial++) {
        const corrupted = Buffer.from(body);
        const at = noise.readUInt32LE(4 * trial) % corrupted.length;
        if (trial % 3 === 0) {
          corrupted[at] = (corrupted[at] ?? 0) ^ (1 << trial % 8);
        } else if (trial % 3 === 1) {
          corrupted[at] = noise[(trial * 7) % noise.length] ?? 0;
        }
        const candidate = trial % 3 === 2 ? corrupted.subarray(0, at) : corrupted;
        try {
          assert.equal(decompressXpress(candidate).length, input.length);
        } catch (error) {
          assert.ok(error instanceof XpressFormatError, `trial ${trial}: ${String(error)}`);
        }
      }
    });
  });

  describe('decompression bomb guard', () => {
    const zeros = Buffer.alloc(10 * 1024 * 1024);
    const bomb = compressXpress(zeros);

    it('a 10 MiB body of zeros compresses below 0.2% of its size', () => {
      assert.ok(bomb.length < zeros.length / 500, `${bomb.length}`);
    });

    it('refuses a body that declares more than maxOutputBytes', () => {
      assertFormatError(() => decompressXpress(bomb, 1024 * 1024), 'XPRESS.OUTPUT_LIMIT_EXCEEDED');
    });

    it('counts the declared sizes, so the limit applies before any block is decoded', () => {
      const liar = block(65_535, 4, Buffer.from([0xff, 0xff, 0xff, 0xff]));
      assertFormatError(() => decompressXpress(Buffer.concat([liar, liar]), 65_535 + 1), 'XPRESS.OUTPUT_LIMIT_EXCEEDED');
    });

    it('accepts a body exactly at the limit', () => {
      assert.equal(decompressXpress(bomb, zeros.length).length, zeros.length);
    });

    it('refuses a nonsensical limit', () => {
      assert.throws(() => decompressXpress(bomb, -1), RangeError);
      assert.throws(() => decompressXpress(bomb, Number.NaN), RangeError);
    });
  });
});
