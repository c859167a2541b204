import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * A served revision's Core fragment as the scan index holds it: deflated, in a one-byte string.
 *
 * The index answers SyncUpdates from memory, so it keeps every served revision's Core fragment, and
 * at 100k revisions those were ~160 MiB of the gateway's ~285 MiB of index (docs/benchmarks/100k.md,
 * section 8). Core fragments are repetitive markup (UpdateIdentity, applicability rules) and deflate
 * 3-7× with the dictionary below; a client is sent a revision's fragment once (its first scan, or a
 * new approval), so inflating on the way out costs far less than keeping them all inflated.
 * A latin1 string rather than a Buffer: one heap object with no backing store of its own.
 */
export type PackedXml = string & { readonly __packed: unique symbol };

export const EMPTY_PACKED_XML = '' as PackedXml;

/**
 * What Core fragments are made of (markup of the fixtures' fragments served to a native client and
 * of applicability rules), most frequent last: deflate finds a fragment's first markup here instead
 * of spelling it out. Changing it is safe: packed fragments live only in memory, never on disk.
 */
const DICTIONARY = Buffer.from(
  '<b.WmiQuery Namespace="root\\cimv2" WqlQuery="SELECT * FROM Win32_OperatingSystem WHERE ' +
    '<b.FileVersion Path="" Comparison="GreaterThanOrEqualTo" Version="<b.FileExists Path="<b.RegKeyExists Key="HKEY_LOCAL_MACHINE" Subkey="SOFTWARE\\Microsoft\\' +
    '<b.RegSz Key="HKEY_LOCAL_MACHINE" Subkey="SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion" Value="" Comparison="EqualTo" Data="' +
    '<b.RegDword Key="HKEY_LOCAL_MACHINE" Subkey="" Value="" Comparison="EqualTo" Data="<b.Platform PlatformID="2" /><b.Processor Architecture="9" />' +
    '<b.WindowsVersion Comparison="GreaterThanOrEqualTo" MajorVersion="10" MinorVersion="0" BuildNumber="" />' +
    '<DeviceAttribute Name="OSVersion" Type="Version" Comparison="GreaterThanOrEqualTo" Value="10.0." /><ProductReleaseInstalled Name="" Version="" />' +
    '<upd:Metadata><msiar:MsiPatchMetadata><cbsar:CbsPackageInstalledByIdentity PackageIdentity="<cbsar:CbsPackageInstallable /><msiar:MsiProductInstalled ProductCode="{' +
    '<IsSuperseded /><IsInstalled><False /></IsInstalled><IsInstallable><True /></IsInstallable><And><Or><Not></Not></Or></And>' +
    '<Relationships><BundledUpdates><UpdateIdentity UpdateID="" RevisionNumber="" /></BundledUpdates><SupersededUpdates></SupersededUpdates>' +
    '<Properties UpdateType="Category" /><Properties UpdateType="Detectoid" /><Properties UpdateType="Driver" /><Properties UpdateType="Software" />' +
    '<ApplicabilityRules><IsInstalled></IsInstalled><IsInstallable></IsInstallable></ApplicabilityRules>' +
    '</Prerequisites></Relationships><Relationships><Prerequisites><AtLeastOne IsCategory="true"><UpdateIdentity UpdateID="" /></AtLeastOne>' +
    '<UpdateIdentity UpdateID="" RevisionNumber="100" /><UpdateIdentity UpdateID="" RevisionNumber="200" />',
  'utf8',
);

/**
 * Fragments are a few KB: an 8 KB window and a smaller hash table set up faster than zlib's defaults
 * (every catch-up packs the whole catalog) for the same ratio, measured on generated and real fragments.
 */
const DEFLATE = { dictionary: DICTIONARY, level: 4, windowBits: 13, memLevel: 6 } as const;
const INFLATE = { dictionary: DICTIONARY, windowBits: 13 } as const;

export function packXml(xml: string): PackedXml {
  if (xml.length === 0) return EMPTY_PACKED_XML;
  return deflateRawSync(Buffer.from(xml, 'utf8'), DEFLATE).toString('latin1') as PackedXml;
}

/** A revision's Core fragment as sent in UpdateInfo.Xml; empty for a revision that is no longer the served one. */
export function coreXmlOf(revision: { readonly core: PackedXml }): string {
  return unpackXml(revision.core);
}

export function unpackXml(packed: PackedXml): string {
  if (packed.length === 0) return '';
  return inflateRawSync(Buffer.from(packed, 'latin1'), INFLATE).toString('utf8');
}
