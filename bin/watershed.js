#!/usr/bin/env node
// The installed `watershed` command: runs the built CLI (npm run build first).
await import('../dist/apps/watershed/src/main.js');
