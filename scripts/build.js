#!/usr/bin/env node
// The production build, src/ → dist/ (tsconfig.build.json), then dist/index.js and everything it imports bundled
// into one file, dist/server.mjs (what `npm start` runs), and the one check of whether dist/ is current.
//
// Why a bundle: Node loads an ESM graph of several hundred files (kysely, got, zod, Bolt's CommonJS tree) one file at
// a time; one file starts in about half the time and holds less memory (docs/performance.md). The CLI keeps running
// dist/cli.js unbundled (its start-up does not matter). Native and optional modules stay outside the bundle:
// better-sqlite3 (a native addon, loaded from node_modules) and pg-native (an optional require in pg).
//
//   node scripts/build.js           build now (a clean build: dist/ is removed first, so no output of a deleted
//                                    source file survives)
//   node scripts/build.js --ensure  build only when dist/ is missing or older than src/ or the tsconfig files;
//                                    `npm start` (prestart), `npm ci` (prepare) and jest's globalSetup run this
//
// dist/.built is written last, after tsc succeeded: without it dist/ counts as missing, so a failed or interrupted
// build is never run. TypeScript is a devDependency: where it is not installed (`npm ci --omit=dev`), --ensure keeps
// an existing dist/ and otherwise explains what to do, instead of failing the install.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.built');
const INPUTS = [join(ROOT, 'src'), join(ROOT, 'tsconfig.json'), join(ROOT, 'tsconfig.build.json')];

/** The newest modification time (ms) among `paths` and every file under them. */
function newestMtime(paths) {
  let newest = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) for (const name of readdirSync(p)) visit(join(p, name));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of paths) visit(p);
  return newest;
}

/** Why dist/ must be (re)built, or undefined when it is current. */
export function staleReason() {
  if (!existsSync(STAMP)) return 'dist/ has not been built';
  if (newestMtime(INPUTS) > statSync(STAMP).mtimeMs) return 'src/ changed since the last build';
  return undefined;
}

function typescriptCompiler() {
  try {
    return createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

export const SERVER_BUNDLE = join(DIST, 'server.mjs');

/** Bundles dist/index.js into dist/server.mjs with esbuild (a dev dependency, like TypeScript). Returns 0 on success. */
function bundleServer(require) {
  let esbuild;
  try {
    esbuild = require('esbuild');
  } catch {
    process.stderr.write('Cannot bundle dist/server.mjs: esbuild is not installed. Run `npm ci` (with dev dependencies).\n');
    return 1;
  }
  const result = esbuild.buildSync({
    entryPoints: { server: join(DIST, 'index.js') },
    outdir: DIST,
    outExtension: { '.js': '.mjs' },
    // Modules the bot imports dynamically (Postgres, the shared budget) become chunks of their own, loaded only
    // when DATABASE_URL is Postgres: a bot on the SQLite default never holds them in memory.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Smaller to parse and hold; names are kept so stack traces in logs still say which function failed.
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    external: ['better-sqlite3', 'pg-native'],
    // Bundled CommonJS modules (Bolt, web-api, pg) call require() for Node's built-ins.
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return result.errors.length === 0 ? 0 : 1;
}

/** A clean build. Returns tsc's (or the bundler's) exit status (0 on success). */
export function build() {
  const tsc = typescriptCompiler();
  if (tsc === undefined) {
    process.stderr.write('Cannot build dist/: TypeScript is not installed. Run `npm ci` (with dev dependencies), then `npm run build`.\n');
    return 1;
  }
  // The stamp gets the time the build started: a source file saved during the build still counts as newer.
  const started = new Date();
  rmSync(DIST, { recursive: true, force: true });
  const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (result.status !== 0) return result.status ?? 1;
  const bundled = bundleServer(createRequire(join(ROOT, 'package.json')));
  if (bundled !== 0) return bundled;
  writeFileSync(STAMP, `${started.toISOString()}\n`);
  utimesSync(STAMP, started, started);
  return 0;
}

/** Builds when dist/ is not current. Returns 0 when dist/ can be run afterwards. */
export function ensureBuild() {
  const reason = staleReason();
  if (reason === undefined) return 0;
  if (typescriptCompiler() === undefined) {
    if (existsSync(STAMP)) {
      process.stderr.write(`Note: ${reason}, but TypeScript is not installed here; running the existing dist/.\n`);
      return 0;
    }
    process.stderr.write(
      'dist/ is missing and TypeScript is not installed (an install without dev dependencies).\n' +
        'Build first: `npm ci && npm run build`, then `npm prune --omit=dev` if you want to drop dev dependencies.\n',
    );
    return 1;
  }
  process.stderr.write(`Building dist/ (${reason})…\n`);
  return build();
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ensure = process.argv.includes('--ensure');
  // During `npm ci --omit=dev` (prepare) a missing TypeScript must not fail the install: start explains it later.
  // A build that fails (type errors) still fails the install.
  if (process.argv.includes('--if-possible') && typescriptCompiler() === undefined && staleReason() !== undefined) {
    process.stderr.write('Note: TypeScript is not installed, so dist/ was not built; `npm start` will say what to do.\n');
  } else {
    process.exitCode = ensure ? ensureBuild() : build();
  }
}
