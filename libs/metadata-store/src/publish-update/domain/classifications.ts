/**
 * The WSUS update classifications, as the category updates Microsoft Update ships (UpdateType
 * Category, CategoryType UpdateClassification). A published update names its classification by
 * this UpdateID in an `AtLeastOne IsCategory="true"` prerequisite clause, as real updates do
 * (KB2267602 names Definition Updates e0789628… that way, fixture a2fef9b0-…-r200).
 *
 * | Classification      | UpdateID                             |
 * |---------------------|--------------------------------------|
 * | Critical Updates    | e6cf1350-c01b-414d-a61f-263d14d133b4 |
 * | Security Updates    | 0fa1201d-4330-4fa8-8ae9-b877473b6441 |
 * | Updates             | cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83 |
 * | Update Rollups      | 28bc880e-0592-4cbf-8f95-c79b17911d5f |
 * | Service Packs       | 68c5b0a3-d1a6-4553-ae49-01d3a7827828 |
 * | Tools               | b4832bd8-e735-4761-8daf-37f882276dab |
 * | Feature Packs       | b54e7d24-7add-428f-8b75-90a396fa584f |
 * | Definition Updates  | e0789628-ce08-4437-be74-2495b842f43b |
 * | Drivers             | ebfc1fc5-71a4-4f7b-9aca-3b9a503104a0 |
 * | Upgrades            | 3689bdc8-b205-4af4-8d4a-a63924c5e9d5 |
 *
 * Sources: Microsoft Learn, Windows Update for Business deferral table ("Security Update -
 * 0FA1201D-…", "Update Rollup - 28BC880E-…", "Upgrade - 3689BDC8-…", "Definition Update -
 * E0789628-…" and the others above); the WSUS publishing transform (SDP → upd:Update), which maps
 * SCUP's UpdateClassification names to the same ids; and our own fixtures (Definition Updates in
 * KB2267602, Security Updates in the Windows 11 OS-installer Core fragment).
 */
export const CLASSIFICATIONS = {
  'Critical Updates': 'e6cf1350-c01b-414d-a61f-263d14d133b4',
  'Security Updates': '0fa1201d-4330-4fa8-8ae9-b877473b6441',
  Updates: 'cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83',
  'Update Rollups': '28bc880e-0592-4cbf-8f95-c79b17911d5f',
  'Service Packs': '68c5b0a3-d1a6-4553-ae49-01d3a7827828',
  Tools: 'b4832bd8-e735-4761-8daf-37f882276dab',
  'Feature Packs': 'b54e7d24-7add-428f-8b75-90a396fa584f',
  'Definition Updates': 'e0789628-ce08-4437-be74-2495b842f43b',
  Drivers: 'ebfc1fc5-71a4-4f7b-9aca-3b9a503104a0',
  Upgrades: '3689bdc8-b205-4af4-8d4a-a63924c5e9d5',
} as const;

export type ClassificationName = keyof typeof CLASSIFICATIONS;
export const CLASSIFICATION_NAMES = Object.keys(CLASSIFICATIONS) as [ClassificationName, ...ClassificationName[]];

/**
 * The product WSUS puts a locally published update under when the publisher names none
 * ("Locally Published Applications", per the WSUS publishing transform).
 */
export const LOCALLY_PUBLISHED_PRODUCT_ID = '5cc25303-143f-40f3-a2ff-803a1db69955';
