import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ComputerStreamEvent, foldComputerStream, snapshotOf, stateFromSnapshot } from './computer-snapshot.js';

const U1 = '11111111-1111-4111-8111-111111111111';
const U2 = '22222222-2222-4222-8222-222222222222';
const RUN = '33333333-3333-4333-8333-333333333333';
const STORED = '2030-01-01T00:00:00.000Z';
const T = (day: number): string => new Date(Date.UTC(2026, 0, day)).toISOString();

const registered = (day: number): ComputerStreamEvent => ({ type: 'ComputerRegistered', data: {}, recordedAt: STORED, metadata: { occurredAt: T(day) } });
const reported = (day: number, eventId: number, updateId: string | null = U1, miscData: string[] = []): ComputerStreamEvent => ({
  type: 'ClientEventReported',
  data: { eventId, namespaceId: 1, timeAtTarget: T(day), updateId, revisionNumber: 7, win32HResult: 0, miscData },
  recordedAt: STORED,
  metadata: { occurredAt: T(day) },
});
const removed = (day: number): ComputerStreamEvent => ({ type: 'ComputerRemoved', data: {}, recordedAt: STORED, metadata: { occurredAt: T(day) } });

describe('a computer stream folded for its retention snapshot', () => {
  it('given registration, a scan, a status snapshot and an install: the snapshot carries every time and per-update row', () => {
    const folded = foldComputerStream([registered(1), reported(2, 147, null), reported(3, 156, null, [`U=${U1}`, `V=${U2}`]), reported(4, 183)]);
    const snapshot = snapshotOf('pc', folded, 4n, new Date(T(10)), RUN);
    assert.deepEqual(
      { ...snapshot, updates: snapshot.updates.map((u) => [u.updateId, u.status, u.statusAt, u.eventId]) },
      {
        computerId: 'pc', runId: RUN, throughStreamPosition: 4, reportsPrunedBefore: T(10), lastReportedAt: STORED, lastContactAt: T(4),
        lastScanAt: T(2), lastScanResult: 'succeeded', lastStatusAt: T(3), lastRebootAt: null,
        updates: [[U1, 'installed', T(4), 183], [U2, 'installed', T(3), 156]],
      },
    );
  });

  it('folding from a snapshot continues from its state; a later snapshot keeps the later cutoff', () => {
    const first = snapshotOf('pc', foldComputerStream([registered(1), reported(2, 182)]), 2n, new Date(T(20)), RUN);
    const folded = foldComputerStream([{ type: 'ComputerStatusSnapshotted', data: first, recordedAt: STORED, metadata: { occurredAt: T(30) } }, reported(25, 183, U2)]);
    assert.equal(folded.state.rows.get(U1)?.status, 'failed');
    assert.equal(folded.state.rows.get(U2)?.status, 'installed');
    assert.equal(snapshotOf('pc', folded, 3n, new Date(T(5)), RUN).reportsPrunedBefore, T(20), 'a shorter retention never uncovers what was pruned');
  });

  it('after the snapshot, an event counting before its cutoff (a resent, pruned one) changes nothing', () => {
    const snapshot = snapshotOf('pc', foldComputerStream([registered(1), reported(2, 183), reported(2, 182)]), 3n, new Date(T(10)), RUN);
    const again = foldComputerStream([{ type: 'ComputerStatusSnapshotted', data: snapshot, recordedAt: STORED, metadata: { occurredAt: T(11) } }, reported(2, 183)]);
    assert.equal(again.state.rows.get(U1)?.status, 'failed');
    assert.deepEqual(stateFromSnapshot(snapshot).state.rows, again.state.rows);
  });

  it('a computer removed after its events does not exist; one that registers again does, from an empty state', () => {
    assert.equal(foldComputerStream([registered(1), reported(2, 183), removed(3)]).exists, false);
    const back = foldComputerStream([registered(1), reported(2, 183), removed(3), registered(4)]);
    assert.deepEqual([back.exists, back.state.rows.size, back.lastContactAt], [true, 0, Date.parse(T(4))]);
  });
});
