export * from './scenario-catalog.js';
export * from './scenario-client.js';
export * from './scenario-documents.js';
export * from './scenario-server.js';
