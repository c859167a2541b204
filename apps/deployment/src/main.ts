#!/usr/bin/env node
// Thin entry for running only the deployment service (split mode); same as `watershed serve --services deployment`.
import { runCli } from '../../watershed/src/cli.js';

process.exitCode = await runCli(['serve', '--services', 'deployment', ...process.argv.slice(2)]);
