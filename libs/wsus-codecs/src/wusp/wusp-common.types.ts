/** A dateTime to encode: a lexical xs:dateTime string is written verbatim, a Date in .NET round-trip form. */
export type XmlDateTime = string | Date;

/** Cookie (§2.2.3.5): clear-text Expiration plus opaque server-encrypted data. */
export interface Cookie {
  /** xs:dateTime, lexically as sent (WSUS uses 7 fraction digits). */
  readonly expiration: string;
  /** Absent in the native client's first GetCookie oldCookie (fixture 03). */
  readonly encryptedData?: Uint8Array;
}

export interface CookieOut {
  readonly expiration: XmlDateTime;
  readonly encryptedData?: Uint8Array;
}

/** AuthorizationCookie (§2.2.3.4). */
export interface AuthorizationCookie {
  readonly plugInId?: string;
  readonly cookieData: Uint8Array;
}

/** UpdateIdentity (§2.2.3.6): the global identity of a revision. */
export interface UpdateIdentity {
  readonly updateId: string;
  readonly revisionNumber: number;
}

export const DEPLOYMENT_ACTIONS = ['OptionalInstall', 'Install', 'Uninstall', 'PreDeploymentCheck', 'Block', 'Evaluate', 'Bundle'] as const;
export type DeploymentAction = (typeof DEPLOYMENT_ACTIONS)[number];

export const XML_UPDATE_FRAGMENT_TYPES = ['Published', 'Core', 'Extended', 'VerificationRule', 'LocalizedProperties', 'Eula', 'FileUrl', 'FileDecryption'] as const;
export type XmlUpdateFragmentType = (typeof XML_UPDATE_FRAGMENT_TYPES)[number];

export interface ClientMetadata {
  readonly metadataType: 'Audience' | 'Update' | 'Admin';
  readonly metadata: string;
  readonly verification?: {
    readonly timestamp: XmlDateTime;
    readonly leafCertificateId: number;
    readonly signature: Uint8Array;
    readonly algorithm: string;
  };
}

/** Deployment (§2.2.2.2.4, wusp.md §8), fields in WSDL order. */
export interface Deployment {
  readonly id: number;
  readonly action: DeploymentAction;
  readonly deadline?: string;
  readonly isAssigned: boolean;
  /** s:date per the prose (WS2025 sends `2026-10-04`); the WSDL types it as string. */
  readonly lastChangeTime: string;
  readonly downloadPriority?: string;
  readonly hardwareIds?: readonly string[];
  /** MUST NOT be sent to clients below protocol 1.8; "0" when sent. */
  readonly autoSelect?: string;
  readonly autoDownload?: string;
  readonly supersedenceBehavior?: string;
  readonly flagBitmask?: string;
  readonly clientBehaviors?: readonly ClientMetadata[];
}

/** UpdateInfo: RevisionID, its deployment, IsLeaf and the Core fragment (wusp.md §7.5). */
export interface UpdateInfo {
  readonly id: number;
  /** Optional in the WSDL, but WUA fails without it (observed-interop.md A.3). */
  readonly deployment?: Deployment;
  readonly isLeaf: boolean;
  readonly xml?: string;
}

/** FileLocation (GetExtendedUpdateInfo/2, GetFileLocations), fields in WSDL order. */
export interface FileLocation {
  readonly fileDigest: Uint8Array;
  readonly url: string;
  readonly piecesHashUrl?: string;
  readonly blockMapUrl?: string;
  readonly decryptionInformation?: string;
  readonly fileDigestAlgorithm?: string;
  readonly encryptedFileDigest?: Uint8Array;
  readonly encryptedFileDigestAlgorithm?: string;
}
