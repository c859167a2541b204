/**
 * The light part of the platform: configuration and version, without NestJS, Fastify or the store.
 * The CLI's admin commands import this (`#platform/config`) so that a `watershed groups list`
 * starts in a fraction of the time the server's module graph takes to load.
 */
export * from './watershed-config.js';
export { WATERSHED_VERSION } from '../version.js';
