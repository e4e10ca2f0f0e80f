#!/usr/bin/env node
// The `routine-bot` command. Runs the compiled CLI in dist/ (built by `npm ci`; rebuilt here first when src/ changed
// since, so a checkout never runs stale code). Development without a build: `npx tsx src/cli.ts …`.
import { ensureBuild } from '../scripts/build.js';

if (ensureBuild() !== 0) process.exit(1);
const { main } = await import('../dist/cli.js');
process.exitCode = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });
