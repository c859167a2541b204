export * from './admin-api-error.js';
export * from './error-status.js';
export * from './admin-bearer.guard.js';
export * from './admin-api-exception.filter.js';
export * from './admin-api.decorators.js';
export * from './admin-api-validation.js';
export * from './admin-api-global.filter.js';
