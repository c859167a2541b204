// The bus API lives in #contracts (callers in other services use it); re-exported for local imports.
export * from '#contracts';
