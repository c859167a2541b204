#!/usr/bin/env node
// Thin entry for running only the soap-gateway service (split mode); same as `watershed serve --services soap-gateway`.
import { runCli } from '../../watershed/src/cli.js';

process.exitCode = await runCli(['serve', '--services', 'soap-gateway', ...process.argv.slice(2)]);
