import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ClientEventFacts, type ComputerReportState, deriveStatus, EMPTY_COMPUTER_STATE, evolveComputer } from './computer-status.js';
import type { UpdateStatus } from './update-status.js';

const U1 = '11111111-1111-1111-1111-111111111111';
const U2 = '22222222-2222-2222-2222-222222222222';
const U3 = '33333333-3333-3333-3333-333333333333';
/** Stored long after every TimeAtTarget below, so the clock clamp does not interfere. */
const STORED = '2030-01-01T00:00:00.000Z';
const T = (minute: number): string => new Date(Date.UTC(2026, 9, 4, 12, minute)).toISOString();

interface Given {
  readonly eventId: number;
  readonly at: string;
  readonly updateId?: string | null;
  readonly miscData?: readonly string[];
  readonly namespaceId?: number;
  readonly recordedAt?: string;
}

function given(...events: Given[]): ComputerReportState {
  return events.reduce<ComputerReportState>((state, e) => {
    const data: ClientEventFacts = {
      eventId: e.eventId,
      namespaceId: e.namespaceId ?? 1,
      timeAtTarget: e.at,
      updateId: e.updateId === undefined ? U1 : e.updateId,
      revisionNumber: 200,
      win32HResult: e.eventId === 182 ? -2145124329 : 0,
      miscData: e.miscData ?? ['A=0', 'G=10.0.26100', 'Q=1'],
    };
    return evolveComputer(state, { data, recordedAt: e.recordedAt ?? STORED });
  }, EMPTY_COMPUTER_STATE);
}

/** The status reports show, for an update that arrived at `arrived` (minute) or is unknown (null). */
const statusOf = (state: ComputerReportState, updateId: string, arrived: number | null = 0): UpdateStatus =>
  deriveStatus(state.rows.get(updateId), state.lastStatusAt, arrived === null ? null : Date.parse(T(arrived)));

describe('client EventID → update status (MS-WUSP §2.2.2.3.1 EventID table)', () => {
  const single: [number, string, UpdateStatus][] = [
    [183, 'AGENT_INSTALLING_SUCCEEDED', 'installed'],
    [190, 'AU_SCHEDULED_INSTALL_SUCCESS', 'installed'],
    [197, 'AU_SHUTDOWN_INSTALL_SUCCESS', 'installed'],
    [523, 'AGENT_COMMIT_SUCCEEDED', 'installed'],
    [184, 'AGENT_INSTALL_COMPLETE_WITH_REBOOT', 'installed-pending-reboot'],
    [191, 'AU_SCHEDULED_INSTALL_COMPLETE_WITH_REBOOT', 'installed-pending-reboot'],
    [199, 'AU_SHUTDOWN_INSTALL_COMPLETE_WITH_REBOOT', 'installed-pending-reboot'],
    [182, 'AGENT_INSTALLING_FAILED', 'failed'],
    [195, 'AU_SCHEDULED_INSTALL_FAILED', 'failed'],
    [198, 'AU_SHUTDOWN_INSTALL_FAILED', 'failed'],
    [187, 'AGENT_INSTALL_KILLED', 'failed'],
    [203, 'AGENT_INSTALLING_FAILED_POST_REBOOT', 'failed'],
    [161, 'AGENT_DOWNLOAD_FAILED', 'failed'],
    [221, 'AGENT_UNINSTALLING_FAILED', 'failed'],
    [162, 'AGENT_DOWNLOAD_SUCCEEDED', 'downloaded'],
    [164, 'AGENT_DOWNLOAD_SUCCEEDED_FROM_PEER', 'downloaded'],
    [222, 'AGENT_UNINSTALLING_SUCCEEDED', 'needed'],
    [542, 'AGENT_REVERT_SUCCEEDED', 'needed'],
  ];
  for (const [eventId, name, expected] of single) {
    it(`${eventId} ${name} → ${expected}`, () => {
      assert.equal(statusOf(given({ eventId, at: T(10) }), U1), expected);
    });
  }

  for (const [eventId, name] of [
    [167, 'AGENT_DOWNLOAD_STARTED'],
    [181, 'AGENT_INSTALLING_STARTED'],
    [186, 'AGENT_INSTALL_CANCEL'],
    [147, 'AGENT_DETECTION_FINISHED'],
    [185, 'AGENT_INSTALL_HIDE'],
    [9999, '(not in the table)'],
  ] as const) {
    it(`${eventId} ${name} states no status`, () => {
      assert.equal(statusOf(given({ eventId, at: T(10) }), U1), 'unknown');
    });
  }

  it('156 AGENT_STATUS_30 sets every listed update from MiscData U/V/W/g/h, braces and case as clients send them', () => {
    const state = given({
      eventId: 156,
      at: T(10),
      updateId: null,
      miscData: ['A=0', `U={${U1.toUpperCase()}}`, `V=${U2}`, `W=${U3}`, 'D=1'],
    });
    assert.equal(statusOf(state, U1), 'needed');
    assert.equal(statusOf(state, U2), 'installed');
    assert.equal(statusOf(state, U3), 'installed-pending-reboot');
    const failed = given({ eventId: 156, at: T(10), updateId: null, miscData: [`g=${U1};${U2}`, `h=${U3}`] });
    assert.equal(statusOf(failed, U1), 'failed');
    assert.equal(statusOf(failed, U2), 'failed');
    assert.equal(statusOf(failed, U3), 'downloaded');
  });

  it('an update in two lists takes the first of g, W, V, h, U; a tag given twice is joined', () => {
    const state = given({ eventId: 156, at: T(10), updateId: null, miscData: [`U=${U1};${U2}`, `g=${U1}`, `V=${U2}`, `V=${U3}`] });
    assert.equal(statusOf(state, U1), 'failed');
    assert.equal(statusOf(state, U2), 'installed');
    assert.equal(statusOf(state, U3), 'installed');
  });

  it('after a status snapshot an unlisted update is not applicable if it arrived before, no status if after', () => {
    const state = given({ eventId: 156, at: T(30), updateId: null, miscData: [`U=${U1}`] });
    assert.equal(statusOf(state, U2, 10), 'not-applicable');
    assert.equal(statusOf(state, U2, 40), 'unknown');
    assert.equal(statusOf(state, U2, null), 'unknown', 'an update not in the catalog has no status');
    assert.equal(statusOf(given({ eventId: 183, at: T(30) }), U2, 10), 'unknown', 'no snapshot yet: no status');
  });

  it('a snapshot clears older statuses it does not list (no longer applicable), and keeps newer ones', () => {
    const state = given(
      { eventId: 182, at: T(10), updateId: U1 },
      { eventId: 183, at: T(40), updateId: U2 },
      { eventId: 156, at: T(30), updateId: null, miscData: [`U=${U3}`] },
    );
    assert.equal(statusOf(state, U1), 'not-applicable');
    assert.equal(statusOf(state, U2), 'installed', 'the install at :40 is later than the snapshot at :30');
    assert.equal(statusOf(state, U3), 'needed');
  });

  it('later events win by TimeAtTarget, whatever order they arrive in', () => {
    const inOrder = given({ eventId: 182, at: T(10) }, { eventId: 183, at: T(20) });
    const reversed = given({ eventId: 183, at: T(20) }, { eventId: 182, at: T(10) });
    assert.equal(statusOf(inOrder, U1), 'installed');
    assert.equal(statusOf(reversed, U1), 'installed');
  });

  it('an event older than the last snapshot is covered by it', () => {
    const state = given(
      { eventId: 156, at: T(30), updateId: null, miscData: [`V=${U2}`] },
      { eventId: 182, at: T(10), updateId: U1 },
      { eventId: 156, at: T(20), updateId: null, miscData: [`g=${U2}`] },
    );
    assert.equal(statusOf(state, U1), 'not-applicable');
    assert.equal(statusOf(state, U2), 'installed', 'an older snapshot arriving late changes nothing');
  });

  it('202 AU_REBOOT_COMPLETED turns earlier pending reboots into installed, also ones reported late', () => {
    const state = given(
      { eventId: 184, at: T(10), updateId: U1 },
      { eventId: 202, at: T(20), updateId: null },
      { eventId: 191, at: T(15), updateId: U2 },
      { eventId: 184, at: T(25), updateId: U3 },
    );
    assert.equal(statusOf(state, U1), 'installed');
    assert.equal(statusOf(state, U2), 'installed');
    assert.equal(statusOf(state, U3), 'installed-pending-reboot', 'a reboot is needed again after the later install');
  });

  it('147/148 set the last scan time and result; an older scan reported late does not', () => {
    const state = given(
      { eventId: 147, at: T(30), updateId: null },
      { eventId: 148, at: T(10), updateId: null },
    );
    assert.equal(state.lastScanAt, Date.parse(T(30)));
    assert.equal(state.lastScanResult, 'succeeded');
    assert.equal(given({ eventId: 148, at: T(30), updateId: null }).lastScanResult, 'failed');
  });

  it('ignores events of another NamespaceID and events about the all-zero update id', () => {
    assert.equal(statusOf(given({ eventId: 183, at: T(10), namespaceId: 2 }), U1), 'unknown');
    assert.equal(given({ eventId: 183, at: T(10), updateId: '00000000-0000-0000-0000-000000000000' }).rows.size, 0);
  });

  it('a client clock running ahead counts as the time the server stored the event', () => {
    const state = given(
      { eventId: 183, at: '2099-01-01T00:00:00Z', recordedAt: T(10) },
      { eventId: 182, at: T(20), recordedAt: T(21) },
    );
    assert.equal(statusOf(state, U1), 'failed', 'the failure at :20 is later than the install stored at :10');
  });

  it('reaches the same state for every arrival order of events with distinct times', () => {
    const events: Given[] = [
      { eventId: 156, at: T(10), updateId: null, miscData: [`U=${U1};${U2}`, `V=${U3}`] },
      { eventId: 162, at: T(12), updateId: U1 },
      { eventId: 184, at: T(14), updateId: U1 },
      { eventId: 182, at: T(13), updateId: U2 },
      { eventId: 202, at: T(16), updateId: null },
      { eventId: 156, at: T(20), updateId: null, miscData: [`V=${U1}`, `g=${U2}`] },
    ];
    const summary = (s: ComputerReportState): string =>
      JSON.stringify([s.lastStatusAt, s.lastRebootAt, [U1, U2, U3].map((u) => statusOf(s, u))]);
    const expected = summary(given(...events));
    assert.equal(expected, JSON.stringify([Date.parse(T(20)), Date.parse(T(16)), ['installed', 'failed', 'not-applicable']]));
    const permutations = (xs: Given[]): Given[][] =>
      xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
    for (const order of permutations(events)) assert.equal(summary(given(...order)), expected);
  });
});
