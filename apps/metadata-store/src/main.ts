#!/usr/bin/env node
// Thin entry for running only the metadata-store service (split mode); same as `watershed serve --services metadata-store`.
import { runCli } from '../../watershed/src/cli.js';

process.exitCode = await runCli(['serve', '--services', 'metadata-store', ...process.argv.slice(2)]);
