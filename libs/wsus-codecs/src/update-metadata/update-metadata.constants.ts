/**
 * Names and limits shared by the update-metadata reader. Namespaces are those of the "CSAPI Update
 * Schema" family; the fragment attribute lists are quoted from MS-WUSP §3.1.1.1 "Metadata Table".
 */

export const UPDATE_NS = 'http://schemas.microsoft.com/msus/2002/12/Update';
export const BASE_APPLICABILITY_NS = 'http://schemas.microsoft.com/msus/2002/12/BaseApplicabilityRules';
export const MSI_APPLICABILITY_NS = 'http://schemas.microsoft.com/msus/2002/12/MsiApplicabilityRules';
export const WINDOWS_DRIVER_NS = 'http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/WindowsDriver';
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/**
 * Every schema of the update-metadata family lives under this prefix. A default-namespace
 * declaration (`xmlns="…"`) for one of them is stripped from fragments; a declaration for a foreign
 * vocabulary is kept, because WSUS keeps `<assembly xmlns="urn:schemas-microsoft-com:asm.v3">` inside
 * CBS Core fragments (fixtures wusp-fragments-windows11-servicing/KB5017029…, KB5026368…).
 */
export const MSUS_NAMESPACE_PREFIX = 'http://schemas.microsoft.com/msus/';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/**
 * Core keeps only these Properties attributes (MS-WUSP §3.1.1.1). WSUS writes them in this order,
 * not in document order: KB2267602 revisions declare `AutoSelectOnWebSites` before
 * `ExplicitlyDeployable` but are served as `UpdateType="Software" ExplicitlyDeployable="true"
 * AutoSelectOnWebSites="true"` (observed-interop.md §A.3).
 */
export const CORE_PROPERTIES_ATTRIBUTES: readonly string[] = [
  'UpdateType',
  'ExplicitlyDeployable',
  'AutoSelectOnWebSites',
  'OSUpgrade',
  'EulaID',
];

/**
 * Extended drops these Properties attributes (MS-WUSP §3.1.1.1) plus `PerUser`, which a real WSUS
 * also leaves out of both fragments (observed-interop.md §A.4) although the spec list omits it.
 */
export const EXTENDED_REMOVED_PROPERTIES_ATTRIBUTES: ReadonlySet<string> = new Set([
  'UpdateType',
  'ExplicitlyDeployable',
  'AutoSelectOnWebSites',
  'EulaID',
  'PublicationState',
  'PublisherID',
  'CreationDate',
  'IsPublic',
  'LegacyName',
  'DetectoidType',
  'OSUpgrade',
  'PerUser',
]);

/** WSUS renames the remaining Properties element in the Extended fragment (observed-interop.md §A.4). */
export const EXTENDED_PROPERTIES_ELEMENT = 'ExtendedProperties';

/**
 * Default bounds for untrusted documents (house style: bound size and depth before parsing).
 * Real documents reach tens of MB (CBS manifests inside ApplicabilityRules/Metadata), so the size
 * bound sits well above that; real nesting stays below 64 (applicability And/Or/Not trees).
 */
export const DEFAULT_MAX_DOCUMENT_CHARS = 256 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 512;
/** A start tag with more attributes than this is hostile, not metadata (CBS manifests use < 20). */
export const DEFAULT_MAX_ATTRIBUTES_PER_ELEMENT = 1024;

/**
 * The spec says the service SHOULD always return the EN locale (MS-WUSP §2.2.2.2.6 `locales`).
 */
export const ALWAYS_RETURNED_LOCALE = 'en';
