import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeAnchor, encodeAnchor, InvalidAnchorError } from './anchor.js';
import { compareLogPositions, LOG_START } from './log-position.js';
import { formatWindowsAnchor, InvalidWindowsAnchorError, MAX_WINDOWS_CHECKPOINT, parseWindowsAnchor } from './windows-anchor.js';

describe('anchors', () => {
  it('round-trip and sort as strings exactly as positions sort', () => {
    const positions = [
      { transactionId: 9n, sequence: 100n },
      { transactionId: 10n, sequence: 2n },
      { transactionId: 10n, sequence: 11n },
      { transactionId: 2n ** 40n, sequence: 1n },
    ];
    const anchors = positions.map(encodeAnchor);
    assert.deepEqual(anchors.map(decodeAnchor), positions);
    assert.deepEqual([...anchors].sort(), anchors);
    for (let i = 1; i < positions.length; i += 1) assert.ok(compareLogPositions(positions[i - 1]!, positions[i]!) < 0);
  });

  it('treats an empty or absent anchor as the start and refuses anything else malformed', () => {
    assert.deepEqual(decodeAnchor(''), LOG_START);
    assert.deepEqual(decodeAnchor(undefined), LOG_START);
    for (const bad of ['A1.xyz', 'A2.0000000000000001.0000000000000001', '14030,2006-06-08 15:38:16.022', 'A1.0000000000000001.000000000000001']) {
      assert.throws(() => decodeAnchor(bad), InvalidAnchorError);
    }
    assert.throws(() => encodeAnchor({ transactionId: -1n, sequence: 0n }), RangeError);
  });
});

describe('Windows anchors (n,yyyy-MM-dd hh:mm:ss.fff)', () => {
  it('formats and parses the spec example', () => {
    const parsed = parseWindowsAnchor('14030,2006-06-08 15:38:16.022');
    assert.equal(parsed.checkpoint, 14030);
    assert.equal(parsed.issuedAt.toISOString(), '2006-06-08T15:38:16.022Z');
    assert.equal(formatWindowsAnchor(parsed), '14030,2006-06-08 15:38:16.022');
  });

  it('refuses non-positive, over-32-bit, malformed and impossible dates', () => {
    for (const bad of ['0,2006-06-08 15:38:16.022', `${MAX_WINDOWS_CHECKPOINT + 1},2006-06-08 15:38:16.022`, 'garbage', '1,2006-02-31 00:00:00.000', '1,2006-06-08 24:00:00.000', '1,2006-06-08T15:38:16.022']) {
      assert.throws(() => parseWindowsAnchor(bad), InvalidWindowsAnchorError, bad);
    }
    assert.throws(() => formatWindowsAnchor({ checkpoint: 0, issuedAt: new Date() }), RangeError);
  });
});
