import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DriverMetadataRowData } from '#contracts';
import type { Device, InstalledDriver } from '#wsus-codecs';
import { driverVersionToLong } from '#wsus-codecs/update-metadata';
import { driverRow, guid, ScanCatalogBuilder } from '../testing/scan-catalog.builder.js';
import {
  chooseDriverForDevice,
  compareDriverMatches,
  type DriverMatchKey,
  driverMatchContext,
  installedDriverKey,
  selectDrivers,
} from './driver-matching.js';
import type { RevisionEntry } from './scan-index.state.js';

const CHID_1 = 'aaaaaaaa-0000-4000-8000-000000000001';
const CHID_2 = 'aaaaaaaa-0000-4000-8000-000000000002';
const context = driverMatchContext([CHID_1, CHID_2], 'AMD64.10.0');

/** Driver revisions built through the real index (contract rows → indexed rows). */
function drivers(...specs: { revisionId: number; rows: DriverMetadataRowData[] }[]): RevisionEntry[] {
  const catalog = new ScanCatalogBuilder();
  for (const s of specs) catalog.revision({ revisionId: s.revisionId, updateId: guid(s.revisionId), type: 'Driver', drivers: s.rows });
  return specs.map((s) => catalog.view.revision(s.revisionId)!);
}
const lookup = (revisions: readonly RevisionEntry[]) => (hardwareId: string) => revisions.filter((r) => r.drivers.some((d) => d.hardwareId === hardwareId));
const device = (hardwareIds: string[], extra: Partial<Device> = {}): Device => ({ hardwareIds, ...extra });
const winner = (d: Device, revisions: readonly RevisionEntry[]) => chooseDriverForDevice(d, context, lookup(revisions))?.best.revision.revisionId;

const key = (k: Partial<DriverMatchKey>): DriverMatchKey => ({
  computerHardwareIdRank: Infinity,
  featureScore: 255,
  hardwareIdRank: 0,
  driverVerDate: '2024-01-01',
  driverVerVersion: 1n,
  ...k,
});

describe('driver better-match rules (MS-WUSP §3.1.5.7), pairwise and in order', () => {
  it('each rule decides alone, and an earlier rule outranks every later one', () => {
    // 1. CHID specificity beats a better feature score, hardware id, date and version.
    assert.ok(compareDriverMatches(key({ computerHardwareIdRank: 0 }), key({ featureScore: 0, hardwareIdRank: 0, driverVerDate: '2030-01-01', driverVerVersion: 9n })) > 0);
    assert.ok(compareDriverMatches(key({ computerHardwareIdRank: 0 }), key({ computerHardwareIdRank: 1 })) > 0);
    // 2. Feature score beats hardware id rank, date, version.
    assert.ok(compareDriverMatches(key({ featureScore: 10, hardwareIdRank: 3 }), key({ featureScore: 20, hardwareIdRank: 0, driverVerDate: '2030-01-01' })) > 0);
    // 3. Hardware id position beats date and version.
    assert.ok(compareDriverMatches(key({ hardwareIdRank: 0, driverVerDate: '2020-01-01' }), key({ hardwareIdRank: 1, driverVerDate: '2030-01-01', driverVerVersion: 9n })) > 0);
    // 4. Date beats version.
    assert.ok(compareDriverMatches(key({ driverVerDate: '2025-01-02', driverVerVersion: 1n }), key({ driverVerDate: '2025-01-01', driverVerVersion: 9n })) > 0);
    // 5. Version last.
    assert.ok(compareDriverMatches(key({ driverVerVersion: 2n }), key({ driverVerVersion: 1n })) > 0);
    assert.equal(compareDriverMatches(key({}), key({})), 0);
  });

  it('rule 1: a driver targeted at the client’s earlier CHID wins; CHID-targeted rows for other computers never apply', () => {
    const [plain, late, early, foreign] = drivers(
      { revisionId: 1, rows: [driverRow('PCI\\VEN_1', { driverVerDate: '2030-01-01' })] },
      { revisionId: 2, rows: [driverRow('PCI\\VEN_1', { distributionComputerHardwareIds: [CHID_2] })] },
      { revisionId: 3, rows: [driverRow('PCI\\VEN_1', { targetComputerHardwareIds: [CHID_1] })] },
      { revisionId: 4, rows: [driverRow('PCI\\VEN_1', { distributionComputerHardwareIds: [guid(99)], driverVerDate: '2031-01-01' })] },
    );
    assert.equal(winner(device(['PCI\\VEN_1']), [plain!, late!, early!, foreign!]), 3);
    assert.equal(winner(device(['PCI\\VEN_1']), [plain!, late!]), 2);
    assert.equal(winner(device(['PCI\\VEN_1']), [plain!, foreign!]), 1);
    assert.equal(winner(device(['PCI\\VEN_1']), [foreign!]), undefined);
  });

  it('rule 2: the lower FeatureScore for the client’s FeatureScoreMatchingKey (case-insensitive); a missing score counts as 255', () => {
    const [newer, scored, otherOs] = drivers(
      { revisionId: 1, rows: [driverRow('pci\\ven_1', { driverVerDate: '2030-01-01' })] },
      { revisionId: 2, rows: [driverRow('pci\\ven_1', { featureScores: [{ operatingSystem: 'amd64.10.0', featureScore: 254 }] })] },
      { revisionId: 3, rows: [driverRow('pci\\ven_1', { featureScores: [{ operatingSystem: 'arm64.10.0', featureScore: 0 }] })] },
    );
    assert.equal(winner(device(['PCI\\VEN_1']), [newer!, scored!, otherOs!]), 2);
    assert.equal(winner(device(['PCI\\VEN_1']), [newer!, otherOs!]), 1);
  });

  it('rule 3: a match on an id listed earlier (HardwareIDs before CompatibleIDs) wins over a newer driver', () => {
    const [specific, generic] = drivers(
      { revisionId: 1, rows: [driverRow('USB\\VID_1&PID_2', { driverVerDate: '2020-01-01' })] },
      { revisionId: 2, rows: [driverRow('USB\\Class_03', { driverVerDate: '2030-01-01' })] },
    );
    assert.equal(winner(device(['USB\\VID_1&PID_2'], { compatibleIds: ['USB\\Class_03'] }), [specific!, generic!]), 1);
    assert.equal(winner(device(['USB\\VID_9'], { compatibleIds: ['USB\\Class_03'] }), [specific!, generic!]), 2);
  });

  it('rules 4 and 5: then the later DriverVerDate, then the higher four-part DriverVerVersion packed in 64 bits', () => {
    const [older, newer, higher] = drivers(
      { revisionId: 1, rows: [driverRow('X', { driverVerDate: '2024-01-01', driverVerVersion: '9.0.0.0' })] },
      { revisionId: 2, rows: [driverRow('X', { driverVerDate: '2024-06-01', driverVerVersion: '1.0.0.0' })] },
      { revisionId: 3, rows: [driverRow('X', { driverVerDate: '2024-06-01', driverVerVersion: '1.0.0.10' })] },
    );
    assert.equal(winner(device(['x']), [older!, newer!]), 2);
    assert.equal(winner(device(['x']), [older!, newer!, higher!]), 3);
    assert.equal(driverVersionToLong('10.0.26100.8036'), 2814751477604196n);
    assert.ok(driverVersionToLong('1.2.0.0')! > driverVersionToLong('1.1.65535.65535')!);
  });

  it('a full tie goes to the higher WhqlDriverID, then the lower RevisionID', () => {
    const [a, b] = drivers({ revisionId: 1, rows: [driverRow('X', { whqlDriverId: 5 })] }, { revisionId: 2, rows: [driverRow('X', { whqlDriverId: 7 })] });
    assert.equal(winner(device(['x']), [a!, b!]), 2);
    const [c, d] = drivers({ revisionId: 5, rows: [driverRow('X')] }, { revisionId: 4, rows: [driverRow('X')] });
    assert.equal(winner(device(['x']), [c!, d!]), 4);
  });
});

describe('the installed driver and printers', () => {
  const installed = (over: Partial<InstalledDriver>): InstalledDriver => ({
    matchingId: 'PCI\\VEN_1',
    driverVerDate: '2024-01-01T00:00:00Z',
    driverVerVersion: driverVersionToLong('1.0.0.0')!,
    driverRank: 0x00ff0000,
    ...over,
  });

  it('an installed driver’s feature score is the GG byte of its rank (0xSSGGTHHH), its hardware-id rank the position of MatchingID', () => {
    const d = device(['ACPI\\VEN_PNP&DEV_0400', 'ACPI\\PNP0400', '*PNP0400']);
    const k = installedDriverKey(d, installed({ matchingId: '*PNP0400', driverRank: 16711682 }), context);
    assert.deepEqual([k.featureScore, k.hardwareIdRank, k.computerHardwareIdRank], [255, 2, Infinity]);
    assert.equal(installedDriverKey(d, installed({ driverRank: -1, matchingComputerHwid: CHID_2 }), context).computerHardwareIdRank, 1);
  });

  it('offers the best driver only when it beats the installed one', () => {
    const [same, newer] = drivers({ revisionId: 1, rows: [driverRow('PCI\\VEN_1')] }, { revisionId: 2, rows: [driverRow('PCI\\VEN_1', { driverVerDate: '2025-01-01' })] });
    const d = device(['PCI\\VEN_1'], { installedDriver: installed({}) });
    assert.deepEqual(
      [chooseDriverForDevice(d, context, lookup([same!]))?.offered, chooseDriverForDevice(d, context, lookup([same!, newer!]))?.offered],
      [false, true],
    );
    // Installed on a more specific id (rule 3) beats a newer driver for a less specific one.
    const [generic] = drivers({ revisionId: 3, rows: [driverRow('PCI\\CC_0200', { driverVerDate: '2030-01-01' })] });
    const onSpecific = device(['PCI\\VEN_1'], { compatibleIds: ['PCI\\CC_0200'], installedDriver: installed({}) });
    assert.equal(chooseDriverForDevice(onSpecific, context, lookup([generic!]))?.offered, false);
    // "No driver" (no MatchingID, version 0, as Windows sends it) is beaten by anything that matches.
    const none = device(['PCI\\CC_0200'], { installedDriver: installed({ matchingId: undefined, driverVerDate: '0001-01-01T00:00:00Z', driverVerVersion: 0n, driverRank: -1 }) });
    assert.equal(chooseDriverForDevice(none, context, lookup([generic!]))?.offered, true);
  });

  it('an installed printer is only replaced by a driver of the same Provider (or a CompatibleProvider) and Manufacturer', () => {
    const printer = installed({ matchingId: 'contosolaser_1', class: 'Printer', provider: 'Contoso', manufacturer: 'Contoso', driverRank: -1 });
    const [other, sameCo, compatible] = drivers(
      { revisionId: 1, rows: [driverRow('contosolaser_1', { class: 'Printers', provider: 'Fabrikam', manufacturer: 'Contoso', driverVerDate: '2030-01-01' })] },
      { revisionId: 2, rows: [driverRow('contosolaser_1', { class: 'Printers', provider: 'contoso', manufacturer: 'CONTOSO', driverVerDate: '2025-01-01' })] },
      { revisionId: 3, rows: [driverRow('contosolaser_1', { class: 'Printers', provider: 'Litware', manufacturer: 'Contoso', compatibleProviders: ['Contoso'], driverVerDate: '2026-01-01' })] },
    );
    const d = device(['contosolaser_1'], { installedDriver: printer, deviceFlags: 1 });
    assert.equal(winner(d, [other!]), undefined);
    assert.equal(winner(d, [other!, sameCo!]), 2);
    assert.equal(winner(d, [other!, sameCo!, compatible!]), 3);
    // A device with no printer installed takes the best driver whatever its provider.
    assert.equal(winner(device(['contosolaser_1']), [other!, sameCo!]), 1);
  });

  it('selectDrivers gathers, per offered revision, the driver HardwareIDs chosen for some device', () => {
    const [multi, other] = drivers(
      { revisionId: 1, rows: [driverRow('PCI\\VEN_1'), driverRow('PCI\\VEN_2'), driverRow('PCI\\VEN_3')] },
      { revisionId: 2, rows: [driverRow('PCI\\VEN_2', { driverVerDate: '2030-01-01' })] },
    );
    const selection = selectDrivers([device(['pci\\ven_1']), device(['PCI\\VEN_2']), device(['PCI\\VEN_4'])], context, lookup([multi!, other!]));
    assert.deepEqual([...selection], [
      [1, ['PCI\\VEN_1']],
      [2, ['PCI\\VEN_2']],
    ]);
  });
});
