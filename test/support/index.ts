export * from './shared-dir.js';
export * from './required-services.js';
export * from './watershed-process.js';
export * from './wua-client/wua-client.js';
export * from './catalog/category-document.js';
export * from './catalog/driver-document.js';
export { Prng } from './catalog/prng.js';
export * from './scenario/index.js';
export * from './sql-plans.js';
