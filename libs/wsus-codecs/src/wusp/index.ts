export * from './wusp.namespaces.js';
export * from './wusp-operation.catalog.js';
export * from './wusp-common.types.js';
export {
  base64Text,
  formatXmlDateTime,
  parseAttributeList,
} from './wusp-common.codec.js';
export {
  DEFAULT_MAX_ARRAY_ITEMS,
  DEFAULT_MAX_EXTENDED_UPDATES_PER_REQUEST,
  DEFAULT_MAX_INSTALLED_NON_LEAF_UPDATE_IDS,
  DEFAULT_MAX_REQUESTED_CATEGORIES,
  DEFAULT_WUSP_DECODE_OPTIONS,
  isGuid,
  type WuspDecodeOptions,
} from './wusp-value.reader.js';
export * from './get-authorization-cookie.codec.js';
export * from './get-config.codec.js';
export * from './get-cookie.codec.js';
export * from './register-computer.codec.js';
export * from './start-category-scan.codec.js';
export * from './sync-updates.codec.js';
export * from './sync-printer-catalog.codec.js';
export * from './refresh-cache.codec.js';
export * from './get-extended-update-info.codec.js';
export * from './get-extended-update-info2.codec.js';
export * from './get-file-locations.codec.js';
export * from './report-event-batch.codec.js';
export * from './reporting-inventory.codec.js';
export * from './reporting-rollup.codec.js';
export * from './wusp-request.decoder.js';
export * from './wusp-response.encoder.js';
