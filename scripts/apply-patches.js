#!/usr/bin/env node
// postinstall: applies patches/ to node_modules with patch-package (a devDependency). Where dev dependencies are not
// installed (`npm ci --omit=dev`) the patches cannot be applied and the install goes on with a note: they only save
// CPU (see patches/README.md). The usual production install, `npm ci && npm prune --omit=dev`, keeps them applied.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
let bin;
try {
  bin = join(dirname(createRequire(join(ROOT, 'package.json')).resolve('patch-package/package.json')), 'index.js');
} catch {
  process.stderr.write('Note: patch-package is not installed (no dev dependencies), so patches/ were not applied.\n');
  process.exit(0);
}
const result = spawnSync(process.execPath, [bin, '--error-on-fail'], { cwd: ROOT, stdio: 'inherit' });
process.exit(result.status ?? 1);
