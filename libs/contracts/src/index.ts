export * from './log-position/log-position.js';
export * from './log-position/anchor.js';
export * from './log-position/windows-anchor.js';
export * from './events/event-envelope.js';
export * from './events/event-schema-registry.js';
export * from './events/event-factory.js';
export * from './subjects/subjects.js';
export * from './errors/error-codes.js';
