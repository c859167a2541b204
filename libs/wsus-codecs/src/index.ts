// Protocol codecs: plain TypeScript, no framework, no I/O. Each folder stands alone and can also be
// imported on its own as `#wsus-codecs/<folder>` (update-metadata has its own XML types, so it is
// only reachable that way).
export * from './soap/index.js';
export * from './wusp/index.js';
export * from './xpress/index.js';
