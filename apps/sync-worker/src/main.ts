#!/usr/bin/env node
// Thin entry for running only the sync-worker service (split mode); same as `watershed serve --services sync-worker`.
import { runCli } from '../../watershed/src/cli.js';

process.exitCode = await runCli(['serve', '--services', 'sync-worker', ...process.argv.slice(2)]);
