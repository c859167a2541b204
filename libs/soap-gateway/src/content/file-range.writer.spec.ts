import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { type FileSegment, RANGE_CHUNK_BYTES, writeFileSegments } from './file-range.writer.js';

const writeFileRange = (file: string, start: number, end: number, out: Writable): Promise<void> => writeFileSegments(file, [{ start, end }], out);

/** A destination that keeps what it is given and takes each write after `delayMs`, like a slow socket. */
function slowSink(delayMs: number): { out: Writable; bytes: () => Buffer } {
  const received: Buffer[] = [];
  const out = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _encoding, done) {
      // Copied only when the write is taken, as a socket does: a chunk reused before then would show here.
      setTimeout(() => {
        received.push(Buffer.from(chunk));
        done();
      }, delayMs);
    },
  });
  return { out, bytes: () => Buffer.concat(received) };
}

describe('writeFileSegments', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'watershed-range-'));
  const bytes = randomBytes(3 * RANGE_CHUNK_BYTES + 4321);
  const file = path.join(dir, 'file.bin');
  writeFileSync(file, bytes);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes exactly the range, across chunk boundaries, for many ranges at once sharing the chunk pool', async () => {
    const ranges: [number, number][] = [
      [0, bytes.length - 1],
      [RANGE_CHUNK_BYTES - 1, 2 * RANGE_CHUNK_BYTES],
      [5, 5],
      [bytes.length - 10, bytes.length - 1],
    ];
    // Twice over, so the second round runs on chunks the first one gave back.
    for (let round = 0; round < 2; round += 1) {
      const sinks = ranges.map((_, i) => slowSink(i % 2));
      await Promise.all(ranges.map(([start, end], i) => writeFileRange(file, start, end, sinks[i]!.out)));
      ranges.forEach(([start, end], i) => assert.ok(sinks[i]!.bytes().equals(bytes.subarray(start, end + 1)), `round ${round}, range ${start}-${end}`));
    }
  });

  it('writes several segments from one open file, each after its own header, in order', async () => {
    const segments: FileSegment[] = [
      { start: 0, end: 9, before: '--a\r\n' },
      { start: RANGE_CHUNK_BYTES - 3, end: RANGE_CHUNK_BYTES + 3, before: '--b\r\n' },
      { start: bytes.length - 1, end: bytes.length - 1 },
    ];
    const sink = slowSink(1);
    await writeFileSegments(file, segments, sink.out);
    const expected = Buffer.concat(segments.flatMap((s) => [Buffer.from(s.before ?? '', 'latin1'), bytes.subarray(s.start, s.end + 1)]));
    assert.ok(sink.bytes().equals(expected));
  });

  it('rejects when the file ends before the range does, and when the destination is gone', async () => {
    await assert.rejects(writeFileRange(file, bytes.length - 5, bytes.length + 100, slowSink(0).out), /ended at byte/);
    await assert.rejects(writeFileRange(path.join(dir, 'missing.bin'), 0, 9, slowSink(0).out), { code: 'ENOENT' });
    const { out } = slowSink(0);
    out.destroy();
    await assert.rejects(writeFileRange(file, 0, bytes.length - 1, out));
    // Nothing above left a chunk in use: a full copy is still byte-exact.
    const sink = slowSink(0);
    await writeFileRange(file, 0, bytes.length - 1, sink.out);
    assert.ok(sink.bytes().equals(bytes));
  });
});
