import { element, invalidParameter, textElement, type XmlNode } from '../soap/index.js';
import type { Cookie, CookieOut, UpdateInfo } from './wusp-common.types.js';
import { arrayNode, boolText, cookieNode, intArrayNode, readRequiredCookie, responseElement, stripUndefined, updateInfoNode } from './wusp-common.codec.js';
import type { ElementReader } from './wusp-value.reader.js';
import { CLIENT_NS } from './wusp.namespaces.js';

export interface InstalledDriver {
  readonly matchingId?: string;
  readonly driverVerDate: string;
  /** Four-part version packed in 64 bits (xs:long). */
  readonly driverVerVersion: bigint;
  readonly class?: string;
  readonly manufacturer?: string;
  readonly provider?: string;
  readonly model?: string;
  /** Sent as `xsi:nil` when no computer hardware id matched (fixture 09) → undefined. */
  readonly matchingComputerHwid?: string;
  readonly driverRank: number;
}

export interface ExtensionDriver {
  readonly extensionId: string;
  readonly driverVerDate: string;
  readonly driverVerVersion: bigint;
  readonly class: string;
  readonly driverRank: number;
  readonly matchingComputerHwid?: string;
}

export interface Device {
  readonly hardwareIds?: readonly string[];
  readonly compatibleIds?: readonly string[];
  readonly installedDriver?: InstalledDriver;
  readonly extensionDrivers?: readonly ExtensionDriver[];
  readonly driverRecoveryIds?: readonly string[];
  /** Bit 0: not PnP-enumerated (e.g. a printer) (<20>). */
  readonly deviceFlags?: number;
}

/** The native client's ProductsParameters (not in the WSDL; fixtures 06-09). `Products` was always empty and is not decoded. */
export interface ProductsParameters {
  readonly syncCurrentVersionOnly?: boolean;
  /** `Key=Value;` list (see parseAttributeList). */
  readonly deviceAttributes?: string;
  readonly callerAttributes?: string;
}

/** SyncUpdateParameters in WSDL order, then the native extras (observed-interop.md A.3). */
export interface SyncUpdateParameters {
  /** [1..1] in the WSDL, but clients MUST send it absent or false and servers MUST ignore it: absent reads false. */
  readonly expressQuery: boolean;
  /** Absent on the first call of a scan (fixture 06): undefined, not []. */
  readonly installedNonLeafUpdateIds?: readonly number[];
  readonly otherCachedUpdateIds?: readonly number[];
  readonly systemSpec?: readonly Device[];
  readonly cachedDriverIds?: readonly number[];
  readonly skipSoftwareSync: boolean;
  readonly filterCategoryIds?: readonly string[];
  readonly needTwoGroupOutOfScopeUpdates?: boolean;
  readonly computerSpec?: { readonly hardwareIds?: readonly string[] };
  readonly featureScoreMatchingKey?: string;
  readonly alsoPerformRegularSync?: boolean;
  readonly productsParameters?: ProductsParameters;
}

export interface SyncUpdatesRequest {
  readonly cookie: Cookie;
  readonly parameters: SyncUpdateParameters;
}

/**
 * Validation from §3.1.5.7 that needs no server state: cookie present (→ InvalidCookie), parameters
 * present, SystemSpec only with SkipSoftwareSync=true, plus WS2025's 400-entry cap on
 * InstalledNonLeafUpdateIDs (→ InvalidParameters `parameters.InstalledNonLeafUpdateIDs`).
 */
export function decodeSyncUpdates(r: ElementReader): SyncUpdatesRequest {
  const cookie = readRequiredCookie(r);
  const p = r.requiredNested('parameters');
  const skipSoftwareSync = p.requiredBoolean('SkipSoftwareSync');
  const systemSpec = p.array('SystemSpec', 'Device', readDevice);
  if (systemSpec !== undefined && !skipSoftwareSync) throw invalidParameter(p.pathOf('SystemSpec'), 'SystemSpec requires SkipSoftwareSync=true');
  const computerSpec = p.nested('ComputerSpec');
  const products = p.nested('ProductsParameters');

  const parameters = stripUndefined<SyncUpdateParameters>({
    expressQuery: p.boolean('ExpressQuery') ?? false,
    installedNonLeafUpdateIds: p.intArray('InstalledNonLeafUpdateIDs', r.options.maxInstalledNonLeafUpdateIds),
    otherCachedUpdateIds: p.intArray('OtherCachedUpdateIDs'),
    systemSpec,
    cachedDriverIds: p.intArray('CachedDriverIDs'),
    skipSoftwareSync,
    filterCategoryIds: p.array('FilterCategoryIds', 'CategoryIdentifier', (c) => c.requiredGuid('Id')),
    needTwoGroupOutOfScopeUpdates: p.boolean('NeedTwoGroupOutOfScopeUpdates'),
    computerSpec: computerSpec === undefined ? undefined : stripUndefined<{ hardwareIds?: readonly string[] }>({ hardwareIds: computerSpec.guidArray('HardwareIDs') }),
    featureScoreMatchingKey: p.string('FeatureScoreMatchingKey'),
    alsoPerformRegularSync: p.boolean('AlsoPerformRegularSync'),
    productsParameters:
      products === undefined
        ? undefined
        : stripUndefined<ProductsParameters>({
            syncCurrentVersionOnly: products.boolean('SyncCurrentVersionOnly'),
            deviceAttributes: products.string('DeviceAttributes'),
            callerAttributes: products.string('CallerAttributes'),
          }),
  });
  return { cookie, parameters };
}

function readDevice(d: ElementReader): Device {
  const driver = d.nested('installedDriver');
  // The WSDL names the list `extensionDriver` with `extensionDriver` items; Windows 11 sends
  // `extensionDrivers` with `ExtensionDriver` items (fixture 09). Both spellings are read.
  const extensionContainer = d.childOf('extensionDrivers', 'extensionDriver');
  return stripUndefined<Device>({
    hardwareIds: d.stringArray('HardwareIDs'),
    compatibleIds: d.stringArray('CompatibleIDs'),
    installedDriver:
      driver === undefined
        ? undefined
        : stripUndefined<InstalledDriver>({
            matchingId: driver.string('MatchingID'),
            driverVerDate: driver.requiredDateTime('DriverVerDate'),
            driverVerVersion: driver.requiredLong('DriverVerVersion'),
            class: driver.string('Class'),
            manufacturer: driver.string('Manufacturer'),
            provider: driver.string('Provider'),
            model: driver.string('Model'),
            matchingComputerHwid: driver.guid('MatchingComputerHWID'),
            driverRank: driver.requiredInt('DriverRank'),
          }),
    extensionDrivers:
      extensionContainer === undefined
        ? undefined
        : d.array(extensionContainer.name, ['ExtensionDriver', 'extensionDriver'], (e) =>
            stripUndefined<ExtensionDriver>({
              extensionId: e.requiredString('ExtensionId'),
              driverVerDate: e.requiredDateTime('DriverVerDate'),
              driverVerVersion: e.requiredLong('DriverVerVersion'),
              class: e.requiredString('Class'),
              driverRank: e.requiredInt('DriverRank'),
              matchingComputerHwid: e.guid('MatchingComputerHWID'),
            }),
          ),
    driverRecoveryIds: d.array('DriverRecoveryIDs', 'DriverRecoveryID', (x) => x.element.text),
    deviceFlags: d.unsignedByte('DeviceFlags'),
  });
}

/** SyncInfo (SyncUpdatesResult and SyncPrinterCatalogResult), fields in WSDL order (wusp.md §7.5). */
export interface SyncInfo {
  readonly newUpdates?: readonly UpdateInfo[];
  readonly outOfScopeRevisionIds?: readonly number[];
  readonly changedUpdates?: readonly UpdateInfo[];
  readonly truncated: boolean;
  /** Server MUST return one. */
  readonly newCookie?: CookieOut;
  readonly deployedOutOfScopeRevisionIds?: readonly number[];
  /** Typed string in the WSDL; WSUS writes "true"/"false". */
  readonly driverSyncNotNeeded?: boolean;
}

export function syncInfoNode(name: string, info: SyncInfo): XmlNode {
  return element(name, [
    arrayNode('NewUpdates', info.newUpdates, updateInfoNode),
    intArrayNode('OutOfScopeRevisionIDs', info.outOfScopeRevisionIds),
    arrayNode('ChangedUpdates', info.changedUpdates, updateInfoNode),
    textElement('Truncated', boolText(info.truncated)),
    cookieNode('NewCookie', info.newCookie),
    intArrayNode('DeployedOutOfScopeRevisionIds', info.deployedOutOfScopeRevisionIds),
    info.driverSyncNotNeeded === undefined ? undefined : textElement('DriverSyncNotNeeded', boolText(info.driverSyncNotNeeded)),
  ]);
}

export type SyncUpdatesResponse = SyncInfo;

export function encodeSyncUpdatesResponse(result: SyncUpdatesResponse): XmlNode {
  return responseElement(CLIENT_NS, 'SyncUpdates', [syncInfoNode('SyncUpdatesResult', result)]);
}
