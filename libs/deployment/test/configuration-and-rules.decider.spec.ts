import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_COMPUTERS_GROUP_ID as ALL, type CausationContext, CodedError, type NewEvent, newEvent } from '#contracts';
import { ruleDeadline, ruleMatches, withAncestors } from '../src/approval-rules/rule-matching.js';
import { DEFAULT_SERVER_CONFIGURATION } from '../src/configure-server/server-configuration.js';
import { decide } from '../src/deployment.decider.js';
import type { DeploymentCommand } from '../src/domain/deployment.commands.js';
import { evolveAll } from '../src/domain/deployment.evolve.js';
import { BUILT_IN_GROUPS, type DeploymentState, EMPTY_STATE } from '../src/domain/deployment.state.js';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const ctx: CausationContext = {
  correlationId: '00000000-0000-4000-8000-000000000000', causationId: null, traceparent: null, actor: 'admin:test',
  now: () => NOW, newId: () => crypto.randomUUID(),
};
const g = (n: number): string => `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const c = (n: number): string => `c0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const r = (n: number): string => `e0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const ev = (type: string, data: unknown): NewEvent => newEvent(ctx, type, 1, data);
const builtIns = BUILT_IN_GROUPS.map((b) => ev('ComputerGroupCreated', { ...b, builtIn: true }));
const state = (...events: NewEvent[]): DeploymentState => evolveAll(EMPTY_STATE, [...builtIns, ...events]);
const run = (command: DeploymentCommand, s: DeploymentState) => decide(command, s, ctx).events.map((e) => ({ streamId: e.streamId, type: e.event.type, data: e.event.data }));
const refused = (command: DeploymentCommand, s: DeploymentState, code: string, path?: string): void => {
  assert.throws(() => decide(command, s, ctx), (e: unknown) => {
    assert.ok(e instanceof CodedError, String(e));
    assert.equal(e.code, code, e.message);
    if (path !== undefined) assert.ok((e.details as { issues: { path: string }[] }).issues.some((i) => i.path === path), JSON.stringify(e.details));
    return true;
  });
};

const valid = {
  role: 'autonomous-downstream',
  upstreamServerUrl: 'https://upstream.contoso.test:8531/',
  syncSchedule: { mode: 'daily', at: '03:30', randomOffsetMinutes: 45 },
  rollup: 'detailed',
  productIds: [c(2).toUpperCase(), c(1), c(2)],
  classificationIds: [c(3)],
  languages: ['en', 'DE', 'pt-BR'],
  contentMode: 'download-after-approval',
  contentBaseUrl: 'http://wsus.contoso.test:8530',
};
const configure = (settings: unknown, expectedVersion?: number): DeploymentCommand => ({ type: 'ConfigureServer', settings, ...(expectedVersion === undefined ? {} : { expectedVersion }) });

describe('server configuration (2.5.3.1)', () => {
  it('records the whole validated configuration, normalised, in one event', () => {
    assert.deepEqual(run(configure(valid), state()), [
      {
        streamId: 'server-configuration',
        type: 'ServerConfigurationChanged',
        data: {
          role: 'autonomous-downstream', upstreamServerUrl: 'https://upstream.contoso.test:8531', syncSchedule: { mode: 'daily', at: '03:30', randomOffsetMinutes: 45 },
          rollup: 'detailed', productIds: [c(1), c(2)], classificationIds: [c(3)], languages: ['de', 'en', 'pt-br'], contentMode: 'download-after-approval',
          contentBaseUrl: 'http://wsus.contoso.test:8530', scan: { pageSize: 30, unapprovedPolicy: 'approved-only' },
        },
      },
    ]);
  });
  it('scan settings: page size and unapproved-update policy are recorded; absent means the defaults', () => {
    const [event] = run(configure({ ...valid, scan: { pageSize: 200, unapprovedPolicy: 'detect' } }), state());
    assert.deepEqual((event!.data as { scan: unknown }).scan, { pageSize: 200, unapprovedPolicy: 'detect' });
    const partial = run(configure({ ...valid, scan: { pageSize: 1 } }), state());
    assert.deepEqual((partial[0]!.data as { scan: unknown }).scan, { pageSize: 1, unapprovedPolicy: 'approved-only' });
  });
  it('an event written before the scan settings existed reads as the defaults (30, approved-only)', () => {
    const { scan: _omitted, ...old } = { ...DEFAULT_SERVER_CONFIGURATION, rollup: 'detailed' as const };
    const after = state(ev('ServerConfigurationChanged', old));
    assert.deepEqual(after.configuration.settings.scan, { pageSize: 30, unapprovedPolicy: 'approved-only' });
    assert.equal(after.configuration.settings.rollup, 'detailed');
    assert.deepEqual(run(configure(old), after), [], 'the same settings again are no change');
  });
  it('the same configuration again is no change; a new targeting mode is its own TargetingModeChanged in the same decision', () => {
    const after = state(...decide(configure(valid), state(), ctx).events.map((e) => e.event));
    assert.deepEqual(run(configure(valid), after), []);
    assert.deepEqual(run(configure({ ...valid, targetingMode: 'client-side' }), after), [
      { streamId: 'server-configuration', type: 'TargetingModeChanged', data: { mode: 'client-side' } },
    ]);
    assert.equal(after.configuration.version, 1);
  });
  it('defaults: a root server, manual sync, keeping everything', () => {
    assert.deepEqual(EMPTY_STATE.configuration.settings, DEFAULT_SERVER_CONFIGURATION);
    assert.equal(DEFAULT_SERVER_CONFIGURATION.role, 'root');
  });
  const cases: [string, Record<string, unknown> | unknown, string][] = [
    ['root with an upstream', { ...valid, role: 'root' }, 'upstreamServerUrl'],
    ['replica without an upstream', { ...valid, role: 'replica-downstream', upstreamServerUrl: null }, 'upstreamServerUrl'],
    ['unknown role', { ...valid, role: 'primary' }, 'role'],
    ['upstream with a path', { ...valid, upstreamServerUrl: 'https://up.test/wsus' }, 'upstreamServerUrl'],
    ['upstream not http', { ...valid, upstreamServerUrl: 'ftp://up.test' }, 'upstreamServerUrl'],
    ['content URL with credentials', { ...valid, contentBaseUrl: 'http://a:b@wsus.test' }, 'contentBaseUrl'],
    ['content URL with a query', { ...valid, contentBaseUrl: 'http://wsus.test/?x=1' }, 'contentBaseUrl'],
    ['content URL not a URL', { ...valid, contentBaseUrl: 'wsus' }, 'contentBaseUrl'],
    ['daily at 24:00', { ...valid, syncSchedule: { mode: 'daily', at: '24:00', randomOffsetMinutes: 0 } }, 'syncSchedule.at'],
    ['daily at 3:30', { ...valid, syncSchedule: { mode: 'daily', at: '3:30' } }, 'syncSchedule.at'],
    ['offset too large', { ...valid, syncSchedule: { mode: 'daily', at: '03:30', randomOffsetMinutes: 721 } }, 'syncSchedule.randomOffsetMinutes'],
    ['offset negative', { ...valid, syncSchedule: { mode: 'daily', at: '03:30', randomOffsetMinutes: -1 } }, 'syncSchedule.randomOffsetMinutes'],
    ['hourly schedule', { ...valid, syncSchedule: { mode: 'hourly' } }, 'syncSchedule.mode'],
    ['rollup', { ...valid, rollup: 'none' }, 'rollup'],
    ['product id not a GUID', { ...valid, productIds: ['Windows'] }, 'productIds.0'],
    ['classification id not a GUID', { ...valid, classificationIds: [42] }, 'classificationIds.0'],
    ['language code', { ...valid, languages: ['english!'] }, 'languages.0'],
    ['content mode', { ...valid, contentMode: 'mirror' }, 'contentMode'],
    ['targeting mode', { ...valid, targetingMode: 'both' }, 'targetingMode'],
    ['unknown field', { ...valid, colour: 'blue' }, ''],
    ['missing field', { ...valid, rollup: undefined }, 'rollup'],
    ['page size 0', { ...valid, scan: { pageSize: 0 } }, 'scan.pageSize'],
    ['page size 201', { ...valid, scan: { pageSize: 201 } }, 'scan.pageSize'],
    ['page size 2.5', { ...valid, scan: { pageSize: 2.5 } }, 'scan.pageSize'],
    ['page size as text', { ...valid, scan: { pageSize: '30' } }, 'scan.pageSize'],
    ['unapproved policy', { ...valid, scan: { unapprovedPolicy: 'all' } }, 'scan.unapprovedPolicy'],
    ['unknown scan setting', { ...valid, scan: { pageSize: 30, truncateAt: 10 } }, 'scan'],
  ];
  for (const [name, settings, path] of cases) {
    it(`refuses ${name} (CONFIGURATION.INVALID at ${path || 'the root'})`, () => refused(configure(settings), state(), 'CONFIGURATION.INVALID', path));
  }
  it('refuses what is not an object', () => refused(configure('root'), state(), 'CONFIGURATION.INVALID'));
  it('a refused change leaves the previous configuration exactly as it was', () => {
    const before = state(...decide(configure(valid), state(), ctx).events.map((e) => e.event));
    refused(configure({ ...valid, role: 'root' }), before, 'CONFIGURATION.INVALID');
    refused(configure({ ...valid, scan: { pageSize: 0, unapprovedPolicy: 'detect' } }), before, 'CONFIGURATION.INVALID');
    assert.deepEqual(before.configuration.settings.role, 'autonomous-downstream');
    assert.deepEqual(before.configuration.settings.scan, { pageSize: 30, unapprovedPolicy: 'approved-only' });
  });
  it('refuses a stale version (If-Match)', () => {
    const before = state(...decide(configure(valid), state(), ctx).events.map((e) => e.event));
    refused(configure({ ...valid, rollup: 'summary' }, 0), before, 'CONFIGURATION.VERSION_MISMATCH');
    assert.equal(run(configure({ ...valid, rollup: 'summary' }, 1), before).length, 1);
  });
});

const rule = (n: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name: `Rule ${n}`, groupIds: [g(1)], ...extra });
const groups = [ev('ComputerGroupCreated', { groupId: g(1), name: 'Pilot', parentGroupId: ALL, builtIn: false })];

describe('automatic approval rules', () => {
  it('creates a rule with defaults: any category, Install, no deadline, enabled', () => {
    assert.deepEqual(run({ type: 'CreateApprovalRule', ruleId: r(1), definition: rule(1, { classificationIds: [c(2), c(1).toUpperCase()] }) }, state(...groups)), [
      {
        streamId: `approval-rule-${r(1)}`,
        type: 'ApprovalRuleCreated',
        data: { ruleId: r(1), name: 'Rule 1', classificationIds: [c(1), c(2)], productIds: [], groupIds: [g(1)], action: 'Install', deadlineOffsetDays: null, enabled: true },
      },
    ]);
  });
  const s = (): DeploymentState => state(...groups, ev('ApprovalRuleCreated', { ruleId: r(1), name: 'Rule 1', classificationIds: [], productIds: [], groupIds: [g(1)], action: 'Install', deadlineOffsetDays: null, enabled: true }));
  for (const [name, definition, code] of [
    ['no group', rule(2, { groupIds: [] }), 'RULE.INVALID'],
    ['an unknown group', rule(2, { groupIds: [g(9)] }), 'GROUP.NOT_FOUND'],
    ['an Uninstall action', rule(2, { action: 'Uninstall' }), 'RULE.INVALID'],
    ['a deadline offset of 0 days', rule(2, { deadlineOffsetDays: 0 }), 'RULE.INVALID'],
    ['a fractional deadline offset', rule(2, { deadlineOffsetDays: 1.5 }), 'RULE.INVALID'],
    ['a product id that is not a GUID', rule(2, { productIds: ['Windows'] }), 'RULE.INVALID'],
    ['an empty name', rule(2, { name: '  ' }), 'RULE.INVALID'],
    ['an unknown field', rule(2, { when: 'always' }), 'RULE.INVALID'],
    ['a name taken (any case)', rule(2, { name: 'RULE 1' }), 'RULE.NAME_TAKEN'],
  ] as const) {
    it(`refuses ${name}`, () => refused({ type: 'CreateApprovalRule', ruleId: r(2), definition }, s(), code));
  }
  it('changes only the fields given, enables and disables with their own events, deletes', () => {
    assert.deepEqual(run({ type: 'ChangeApprovalRule', ruleId: r(1), changes: { deadlineOffsetDays: 7, enabled: false } }, s()), [
      { streamId: `approval-rule-${r(1)}`, type: 'ApprovalRuleChanged', data: { ruleId: r(1), name: 'Rule 1', classificationIds: [], productIds: [], groupIds: [g(1)], action: 'Install', deadlineOffsetDays: 7 } },
      { streamId: `approval-rule-${r(1)}`, type: 'ApprovalRuleDisabled', data: { ruleId: r(1) } },
    ]);
    assert.deepEqual(run({ type: 'ChangeApprovalRule', ruleId: r(1), changes: { enabled: true, name: 'Rule 1' } }, s()), []);
    const disabled = evolveAll(s(), [ev('ApprovalRuleDisabled', { ruleId: r(1) })]);
    assert.equal(disabled.rules.get(r(1))?.enabled, false);
    assert.deepEqual(run({ type: 'ChangeApprovalRule', ruleId: r(1), changes: { enabled: true } }, disabled), [
      { streamId: `approval-rule-${r(1)}`, type: 'ApprovalRuleEnabled', data: { ruleId: r(1) } },
    ]);
    assert.deepEqual(run({ type: 'DeleteApprovalRule', ruleId: r(1) }, s()), [{ streamId: `approval-rule-${r(1)}`, type: 'ApprovalRuleDeleted', data: { ruleId: r(1) } }]);
    assert.equal(evolveAll(s(), [ev('ApprovalRuleDeleted', { ruleId: r(1) })]).rules.size, 0);
  });
  it('refuses a rule on a replica downstream server (its approvals come from upstream)', () => {
    const replica = state(...groups, ev('ServerConfigurationChanged', { ...DEFAULT_SERVER_CONFIGURATION, role: 'replica-downstream', upstreamServerUrl: 'https://up.test' }));
    refused({ type: 'CreateApprovalRule', ruleId: r(3), definition: rule(3) }, replica, 'RULE.REPLICA_SERVER');
  });
  it('refuses changes to a missing rule and invalid changes', () => {
    refused({ type: 'ChangeApprovalRule', ruleId: r(9), changes: {} }, s(), 'RULE.NOT_FOUND');
    refused({ type: 'DeleteApprovalRule', ruleId: r(9) }, s(), 'RULE.NOT_FOUND');
    refused({ type: 'ChangeApprovalRule', ruleId: r(1), changes: { groupIds: [g(8)] } }, s(), 'GROUP.NOT_FOUND');
    refused({ type: 'ChangeApprovalRule', ruleId: r(1), changes: { enabled: 'yes' } }, s(), 'RULE.INVALID', 'enabled');
  });
});

describe('rule matching', () => {
  const update = (categoryIds: string[], updateType = 'Software') => ({ updateId: 'u', updateType, categoryIds });
  it('classification × product; empty means any', () => {
    const both = { classificationIds: [c(1)], productIds: [c(2)] };
    assert.equal(ruleMatches(both, update([c(1), c(2)])), true);
    assert.equal(ruleMatches(both, update([c(1)])), false);
    assert.equal(ruleMatches(both, update([c(2), c(3)])), false);
    assert.equal(ruleMatches({ classificationIds: [], productIds: [c(2)] }, update([c(2)])), true);
    assert.equal(ruleMatches({ classificationIds: [c(5), c(1)], productIds: [] }, update([c(1), c(9)])), true);
  });
  it('never approves categories or detectoids', () => {
    assert.equal(ruleMatches({ classificationIds: [], productIds: [] }, update([], 'Category')), false);
    assert.equal(ruleMatches({ classificationIds: [], productIds: [] }, update([], 'Detectoid')), false);
    assert.equal(ruleMatches({ classificationIds: [], productIds: [] }, update([], 'Driver')), true);
  });
  it('a rule on a product family covers its products (ancestors)', () => {
    const parents = new Map([[c(2), [c(20)]], [c(20), [c(200)]], [c(200), [c(2)]]]);
    assert.deepEqual(withAncestors([c(2)], parents), [c(2), c(20), c(200)].sort());
    assert.equal(ruleMatches({ classificationIds: [], productIds: [c(200)] }, update(withAncestors([c(1), c(2)], parents))), true);
  });
  it('deadline = now + offset days', () => {
    assert.equal(ruleDeadline({ deadlineOffsetDays: 3 }, NOW), '2026-06-04T12:00:00.000Z');
    assert.equal(ruleDeadline({ deadlineOffsetDays: null }, NOW), null);
  });
});
