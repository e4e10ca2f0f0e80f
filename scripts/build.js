#!/usr/bin/env node
// The production build, src/ → dist/ (tsconfig.build.json), then dist/index.js and everything it imports bundled
// into one file, dist/server.mjs (what `npm start` runs), and the one check of whether dist/ is current.
//
// Why a bundle: Node loads an ESM graph of several hundred files (kysely, got, zod, Bolt's CommonJS tree) one file at
// a time; one file starts in about half the time and holds less memory (docs/performance.md). The CLI keeps running
// dist/cli.js unbundled (its start-up does not matter). Native and optional modules stay outside the bundle:
// better-sqlite3 (a native addon, loaded from node_modules) and pg-native (an optional require in pg).
//
// Five dependencies are bundled apart and loaded only when first used (LAZY_PACKAGES): Bolt's Socket Mode client
// (with the WebSocket and undici code under it: a quarter of the bundle, used only with SLACK_APP_TOKEN); got's
// HTTP/2 wrapper (used only with got's http2 option, which the bot never sets; loading it creates a TLS socket, and
// with it the default TLS context: the root certificates parsed at start); iconv-lite (half a megabyte of character
// tables, which raw-body and body-parser use only for a body in a declared charset: Bolt's HTTPReceiver reads
// Slack's bodies as bytes); express (with body-parser, qs, send and the 150 KB MIME database: a quarter of what was
// left of the bundle, which Bolt requires at start for its ExpressReceiver, a receiver the bot never makes); and
// @slack/oauth (with jsonwebtoken and semver: Bolt's receivers make an InstallProvider only for the OAuth install
// flow, which the bot does not offer). Each becomes dist/lazy/NAME.cjs, and the main bundle gets a stand-in with the
// same export names whose getters require that file on first access.
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
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
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
export const LAZY_DIR = join(DIST, 'lazy');
const STAND_INS = join(DIST, '.stand-ins');

/**
 * Dependencies kept out of the main bundle (see the top of this file): package → the file it is bundled into, under
 * dist/lazy/. Only packages whose exports are read after their importer has loaded (in a constructor or a request,
 * not at module level) belong here, or the stand-in would load them at start anyway.
 */
export const LAZY_PACKAGES = {
  '@slack/socket-mode': 'socket-mode.cjs',
  'http2-wrapper': 'http2-wrapper.cjs',
  'iconv-lite': 'iconv-lite.cjs',
  express: 'express.cjs',
  '@slack/oauth': 'oauth.cjs',
};

const BANNER = "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);";
const COMMON = { bundle: true, platform: 'node', target: 'node20', minifyWhitespace: true, minifySyntax: true, keepNames: true, sourcemap: 'linked', legalComments: 'linked', logLevel: 'warning' };

/**
 * The stand-in for a lazy package: a CommonJS module with one getter per export name (read from the package itself
 * at build time), each requiring dist/lazy/FILE on first access. Where the package's export is itself a function
 * (express), the stand-in is a function that loads the package when called. dist/ is found from the URL of the output
 * file that holds the locator module (dist/server.mjs, or a shared chunk under dist/chunks/), not through esbuild's
 * require helper, which resolves from wherever that helper landed.
 */
function writeLazyStandIn(require, pkg, file) {
  const real = require(pkg);
  const names = Object.keys(real).filter((name) => name !== 'default' && name !== '__esModule');
  const getters = names.map((name) => `  ${JSON.stringify(name)}: { enumerable: true, get: () => load()[${JSON.stringify(name)}] },`).join('\n');
  mkdirSync(STAND_INS, { recursive: true });
  writeFileSync(
    join(STAND_INS, 'require-lazy.mjs'),
    `// Requires dist/lazy/FILE (scripts/build.js), from dist/server.mjs or from a chunk in dist/chunks/.\n` +
      `import { createRequire } from "node:module";\nimport { fileURLToPath } from "node:url";\n` +
      `export function requireLazy(file) {\n` +
      `  const url = new URL((/\\/chunks\\/[^/]*$/.test(import.meta.url) ? "../lazy/" : "./lazy/") + file, import.meta.url);\n` +
      `  return createRequire(url)(fileURLToPath(url));\n}\n`,
  );
  const path = join(STAND_INS, file);
  const target =
    typeof real === 'function'
      ? `function ${real.name || 'lazyPackage'}(...args) {\n  return new.target ? Reflect.construct(load(), args, new.target) : load().apply(this, args);\n}`
      : '{}';
  writeFileSync(
    path,
    `// Stand-in for ${pkg} (scripts/build.js): the package itself is dist/lazy/${file}, loaded on first use.\n` +
      `const { requireLazy } = require("./require-lazy.mjs");\n` +
      `let loaded;\nconst load = () => (loaded ??= requireLazy(${JSON.stringify(file)}));\n` +
      `module.exports = Object.defineProperties(${target}, {\n${getters}\n});\n`,
  );
  return path;
}

/** Bundles dist/index.js into dist/server.mjs (and the lazy packages into dist/lazy/) with esbuild (a dev dependency, like TypeScript). Returns 0 on success. */
function bundleServer(require) {
  let esbuild;
  try {
    esbuild = require('esbuild');
  } catch {
    process.stderr.write('Cannot bundle dist/server.mjs: esbuild is not installed. Run `npm ci` (with dev dependencies).\n');
    return 1;
  }
  // Each lazy package as one CommonJS file of its own (its dependencies inside it, as in the main bundle).
  for (const [pkg, file] of Object.entries(LAZY_PACKAGES)) {
    const lazy = esbuild.buildSync({ ...COMMON, entryPoints: [require.resolve(pkg)], outfile: join(LAZY_DIR, file), format: 'cjs', external: ['pg-native'] });
    if (lazy.errors.length > 0) return 1;
  }
  const result = esbuild.buildSync({
    ...COMMON,
    entryPoints: { server: join(DIST, 'index.js') },
    outdir: DIST,
    outExtension: { '.js': '.mjs' },
    // Modules the bot imports dynamically (Postgres, the shared budget) become chunks of their own, loaded only
    // when DATABASE_URL is Postgres: a bot on the SQLite default never holds them in memory.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    format: 'esm',
    // Smaller to parse and hold; names are kept (COMMON) so stack traces in logs still say which function failed.
    external: ['better-sqlite3', 'pg-native'],
    // Bundled CommonJS modules (Bolt, web-api, pg) call require() for Node's built-ins.
    banner: { js: BANNER },
    alias: Object.fromEntries(Object.entries(LAZY_PACKAGES).map(([pkg, file]) => [pkg, writeLazyStandIn(require, pkg, file)])),
  });
  if (result.errors.length > 0) return 1;
  return checkAscii([SERVER_BUNDLE, ...readdirSync(join(DIST, 'chunks')).filter((f) => f.endsWith('.mjs')).map((f) => join(DIST, 'chunks', f))]);
}

/**
 * V8 keeps every module's source text in memory for as long as the process runs, one byte per character when all of
 * it is ASCII and two bytes per character as soon as one character is not: a single "’" in a regular expression
 * doubled the 2 MB bundle's share of the heap. esbuild escapes non-ASCII characters in strings but cannot in regular
 * expression literals or String.raw templates, so those must be written with \\u escapes in src/. Returns 0 when
 * every output file is ASCII.
 */
function checkAscii(files) {
  for (const file of files) {
    const text = readFileSync(file, 'latin1');
    const at = text.search(/[^\x00-\x7f]/);
    if (at === -1) continue;
    const context = readFileSync(file, 'utf8').slice(Math.max(0, at - 60), at + 20).replace(/\s+/g, ' ');
    process.stderr.write(
      `${relative(ROOT, file)} holds a character that is not ASCII (byte ${at}), near: ${context}\n` +
        'Write it as a \\u escape in src/ (a regular expression or String.raw template): with it, V8 holds the whole file in two bytes a character.\n',
    );
    return 1;
  }
  return 0;
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
