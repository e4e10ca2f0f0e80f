/**
 * The production entry is compiled JavaScript: `npm start` runs `node dist/server.mjs` (the compiled entry bundled; no TypeScript loader), which
 * names every missing variable in one message, and with a full environment starts and answers /healthz.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import { type FakeSocketMode, startFakeSocketMode } from '../fakes/fake-socket-mode.js';
import { type AppProcess, COMPILED_ENTRY, type ProcessFakes, startAppProcess, startProcessFakes } from '../helpers/app-process.js';
import { slashCommandPayload } from '../helpers/slack-requests.js';

const run = promisify(execFile);
const REQUIRED = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'OMNI_BASE_URL', 'OMNI_API_KEY'];

let fakes: ProcessFakes | undefined;
let app: AppProcess | undefined;
const dirs: string[] = [];

let socket: FakeSocketMode | undefined;

afterEach(async () => {
  await app?.stop('SIGKILL');
  await socket?.close();
  socket = undefined;
  app = undefined;
  await fakes?.close();
  fakes = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the compiled entry (what npm start runs)', () => {
  it('is what the start script and the bin run, without tsx', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
    };
    expect(pkg.scripts.start).toBe('node dist/server.mjs');
    expect(Object.keys(pkg.dependencies)).not.toContain('tsx');
    const bin = readFileSync(new URL('../../bin/routine-bot.js', import.meta.url), 'utf8');
    expect(bin).toContain("import('../dist/cli.js')");
    expect(bin).not.toContain('tsx/');
  });

  it('names every missing variable in one message and exits 1 without starting', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'routine-bot-empty-'));
    dirs.push(cwd);
    const failure = await run(process.execPath, [COMPILED_ENTRY], { cwd, env: { PATH: process.env.PATH ?? '', TZ: 'UTC' } }).then(
      () => undefined,
      (err: unknown) => err as { code?: number; stderr?: string; stdout?: string },
    );
    expect(failure?.code).toBe(1);
    for (const name of REQUIRED) expect(failure?.stderr).toContain(`${name} is missing`);
    expect(failure?.stdout).toBe('');
  });

  it('with a token Slack refuses: says so, closes the database it opened meanwhile and exits 1', async () => {
    fakes = await startProcessFakes();
    const env = { ...fakes.env, SLACK_BOT_TOKEN: 'xoxb-refused-token', PATH: process.env.PATH ?? '', TZ: 'UTC' };
    const failure = await run(process.execPath, [COMPILED_ENTRY], { cwd: fakes.dir, env }).then(
      () => undefined,
      (err: unknown) => err as { code?: number; stderr?: string },
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('could not start: check SLACK_BOT_TOKEN');
    expect(failure?.stderr).toContain('invalid_auth');
    expect(failure?.stderr).not.toContain('omni-routine-bot is running');
    // SQLite removes the WAL file when the last connection closes.
    const dbPath = fakes.databaseUrl.replace(/^sqlite:/, '');
    expect(existsSync(`${dbPath}-wal`)).toBe(false);
  });

  it('starts against the fakes and answers /healthz', async () => {
    fakes = await startProcessFakes();
    app = await startAppProcess(fakes.env);
    const res = await fetch(`${app.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(app.child.spawnargs).toEqual([process.execPath, COMPILED_ENTRY]);
  });

  // Bolt's Socket Mode client (and its WebSocket and undici code) is dist/lazy/socket-mode.cjs, loaded through the
  // stand-in in the bundle when the receiver is made: no HTTP test loads it.
  it('runs in Socket Mode: connects with the app-level token and opens the modal for a command sent on the socket', async () => {
    const appToken = 'xapp-1-A0001-1-bundletesttoken';
    socket = await startFakeSocketMode();
    const ws = socket;
    fakes = await startProcessFakes({ slack: { appToken, socketModeUrl: () => ws.issueUrl() } });
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    app = await startAppProcess({ ...fakes.env, SLACK_APP_TOKEN: appToken, SLACK_SIGNING_SECRET: '', PORT: String(port) });
    await ws.waitForConnections(1);
    const triggerId = fakes.slack.issueTriggerId();
    const ack = await ws.send('slash_commands', slashCommandPayload({ triggerId }));
    expect(ack.envelope_id).toBeDefined();
    const opened = await fakes.slack.waitFor('views.open', (c) => c.args.trigger_id === triggerId, 10_000);
    expect(opened.response.ok).toBe(true);
  });

  const LAZY = [
    ['@slack/socket-mode', 'socket-mode.cjs', 'node_modules/@slack/socket-mode/'],
    ['http2-wrapper', 'http2-wrapper.cjs', 'node_modules/http2-wrapper/'],
    ['iconv-lite', 'iconv-lite.cjs', 'node_modules/iconv-lite/'],
    ['express', 'express.cjs', 'node_modules/express/'],
    ['@slack/oauth', 'oauth.cjs', 'node_modules/@slack/oauth/'],
  ] as const;

  it('keeps Socket Mode, got\'s HTTP/2 wrapper, iconv-lite, express and @slack/oauth out of the main bundle, each complete in dist/lazy/', () => {
    const dist = dirname(COMPILED_ENTRY);
    const bundle = readFileSync(COMPILED_ENTRY, 'utf8');
    // The stand-ins are in the bundle, the packages themselves are not (esbuild names each bundled module by its path).
    expect(bundle).toContain('dist/.stand-ins/socket-mode.cjs');
    expect(bundle).not.toContain('node_modules/undici/');
    // What express brings: body-parser, qs and the MIME database.
    for (const pkg of ['body-parser', 'qs', 'mime-db', 'jsonwebtoken']) expect(bundle).not.toContain(`node_modules/${pkg}/`);
    const lazyRequire = createRequire(join(dist, 'lazy', 'x.cjs'));
    for (const [pkg, file, path] of LAZY) {
      expect(bundle).toContain(`dist/.stand-ins/${file}`);
      expect(bundle).not.toContain(path);
      const real = createRequire(import.meta.url)(pkg) as Record<string, unknown>;
      const lazy = lazyRequire(`./${file}`) as Record<string, unknown>;
      expect(Object.keys(lazy).sort()).toEqual(Object.keys(real).sort());
    }
    const h2 = lazyRequire('./http2-wrapper.cjs') as { auto?: unknown; globalAgent?: unknown };
    expect(typeof h2.auto).toBe('function');
    expect(h2.globalAgent).toBeDefined();
  });

  it('gives stand-ins that load the package on first use, callable where the package is a function (express)', async () => {
    // Bundle a module that uses the stand-ins as the bot's bundle does (esbuild's alias), next to dist/lazy/.
    const dir = mkdtempSync(join(tmpdir(), 'stand-ins-'));
    dirs.push(dir);
    symlinkSync(join(dirname(COMPILED_ENTRY), 'lazy'), join(dir, 'lazy'));
    const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    const standIns = join(dirname(COMPILED_ENTRY), '.stand-ins');
    const entry = join(dir, 'entry.cjs');
    writeFileSync(
      entry,
      `const express = require('express'); const oauth = require('@slack/oauth');\n` +
        `module.exports = { typeofExpress: typeof express, app: typeof express(), router: typeof express.Router(), store: new oauth.MemoryInstallationStore() };\n`,
    );
    const out = join(dir, 'out.mjs');
    await esbuild.build({
      entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'silent',
      banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
      alias: { express: join(standIns, 'express.cjs'), '@slack/oauth': join(standIns, 'oauth.cjs') },
    });
    const bundled = readFileSync(out, 'utf8');
    expect(bundled).not.toContain('node_modules/express/');
    const loaded = (await import(pathToFileURL(out).href)) as { default: { typeofExpress: string; app: string; router: string; store: { storeInstallation?: unknown } } };
    expect(loaded.default.typeofExpress).toBe('function');
    expect(loaded.default.app).toBe('function');
    expect(loaded.default.router).toBe('function');
    expect(typeof loaded.default.store.storeInstallation).toBe('function');
  });
});
