/** Injection tokens for the runtime's shared parts (interfaces have no runtime identity in TS). */
export const WATERSHED_CONFIG = Symbol('WATERSHED_CONFIG');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const SERVICE_BUS = Symbol('SERVICE_BUS');
export const DURABLE_QUEUE = Symbol('DURABLE_QUEUE');
export const LOGGER = Symbol('LOGGER');
export const RUNTIME = Symbol('RUNTIME');
