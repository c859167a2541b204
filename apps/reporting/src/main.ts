#!/usr/bin/env node
// Thin entry for running only the reporting service (split mode); same as `watershed serve --services reporting`.
import { runCli } from '../../watershed/src/cli.js';

process.exitCode = await runCli(['serve', '--services', 'reporting', ...process.argv.slice(2)]);
