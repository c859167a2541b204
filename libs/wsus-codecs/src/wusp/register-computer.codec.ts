import type { XmlNode } from '../soap/index.js';
import type { Cookie } from './wusp-common.types.js';
import { readRequiredCookie, responseElement, stripUndefined } from './wusp-common.codec.js';
import type { ElementReader } from './wusp-value.reader.js';
import { CLIENT_NS } from './wusp.namespaces.js';

/** ComputerInfo (§2.2.2.2.3) in WSDL order; numeric fields are [1..1] there. */
export interface ComputerInfo {
  readonly dnsName: string;
  readonly osMajorVersion: number;
  readonly osMinorVersion: number;
  readonly osBuildNumber: number;
  readonly osServicePackMajorNumber: number;
  readonly osServicePackMinorNumber: number;
  readonly osLocale?: string;
  readonly computerManufacturer?: string;
  readonly computerModel?: string;
  readonly biosVersion?: string;
  readonly biosName?: string;
  readonly biosReleaseDate: string;
  /** Free string such as "AMD64", not the Reporting enum. */
  readonly processorArchitecture?: string;
  readonly suiteMask: number;
  readonly oldProductType: number;
  readonly newProductType: number;
  readonly systemMetrics: number;
  readonly clientVersionMajorNumber: number;
  readonly clientVersionMinorNumber: number;
  readonly clientVersionBuildNumber: number;
  readonly clientVersionQfeNumber: number;
  readonly osDescription?: string;
  readonly oem?: string;
  readonly deviceType?: string;
  readonly firmwareVersion?: string;
  readonly mobileOperator?: string;
}

export interface RegisterComputerRequest {
  readonly cookie: Cookie;
  readonly computerInfo: ComputerInfo;
}

/**
 * cookie → InvalidCookie; computerInfo "MAY be validated → InvalidParameters" (§3.1.5.5): we validate
 * types and presence of the WSDL's required fields, naming e.g. `computerInfo.OSMajorVersion`.
 * ClientVersionBuildNumber is xs:short in the WSDL but 30012 fits (fixture 04).
 */
export function decodeRegisterComputer(r: ElementReader): RegisterComputerRequest {
  const cookie = readRequiredCookie(r);
  const c = r.requiredNested('computerInfo');
  const optional = (name: string) => c.string(name);
  const computerInfo = stripUndefined<ComputerInfo>({
    dnsName: c.requiredString('DnsName'),
    osMajorVersion: c.requiredInt('OSMajorVersion'),
    osMinorVersion: c.requiredInt('OSMinorVersion'),
    osBuildNumber: c.requiredInt('OSBuildNumber'),
    osServicePackMajorNumber: c.requiredShort('OSServicePackMajorNumber'),
    osServicePackMinorNumber: c.requiredShort('OSServicePackMinorNumber'),
    osLocale: optional('OSLocale'),
    computerManufacturer: optional('ComputerManufacturer'),
    computerModel: optional('ComputerModel'),
    biosVersion: optional('BiosVersion'),
    biosName: optional('BiosName'),
    biosReleaseDate: c.requiredDateTime('BiosReleaseDate'),
    processorArchitecture: optional('ProcessorArchitecture'),
    suiteMask: c.requiredShort('SuiteMask'),
    oldProductType: c.requiredUnsignedByte('OldProductType'),
    newProductType: c.requiredInt('NewProductType'),
    systemMetrics: c.requiredInt('SystemMetrics'),
    clientVersionMajorNumber: c.requiredShort('ClientVersionMajorNumber'),
    clientVersionMinorNumber: c.requiredShort('ClientVersionMinorNumber'),
    clientVersionBuildNumber: c.requiredShort('ClientVersionBuildNumber'),
    clientVersionQfeNumber: c.requiredShort('ClientVersionQfeNumber'),
    osDescription: optional('OSDescription'),
    oem: optional('OEM'),
    deviceType: optional('DeviceType'),
    firmwareVersion: optional('FirmwareVersion'),
    mobileOperator: optional('MobileOperator'),
  });
  return { cookie, computerInfo };
}

/** RegisterComputerResponse has no content: WSUS writes `<RegisterComputerResponse xmlns="…"/>` (fixture 04). */
export function encodeRegisterComputerResponse(): XmlNode {
  return responseElement(CLIENT_NS, 'RegisterComputer', []);
}
