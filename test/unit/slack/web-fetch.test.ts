/**
 * The WebClients' fetch (src/slack/web-fetch.ts), through a real WebClient against a real HTTP server on 127.0.0.1
 * that answers at once, never, halfway, with a redirect or with Slack's 429.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebClient } from '@slack/web-api';
import { createSlackFetch, type SlackFetch } from '../../../src/slack/web-fetch.js';

let server: Server;
let apiUrl: string;
const held: ServerResponse[] = [];
const seen: Array<{ url: string; headers: IncomingMessage['headers']; body: string; socket: unknown }> = [];
const fetches: SlackFetch[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body, socket: req.socket });
      if (req.url?.endsWith('/never.answer')) return void held.push(res);
      if (req.url?.endsWith('/half.answer')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"ok":');
        return void held.push(res);
      }
      if (req.url?.endsWith('/moved.answer')) {
        res.writeHead(302, { Location: 'https://example.com/' });
        return void res.end();
      }
      if (req.url?.endsWith('/busy.answer')) {
        res.writeHead(429, { 'Retry-After': '0', 'Content-Type': 'application/json' });
        return void res.end('{"ok":false,"error":"ratelimited"}');
      }
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'X-OAuth-Scopes': 'commands, chat:write' });
      res.end(JSON.stringify({ ok: true, echo: Object.fromEntries(new URLSearchParams(body)) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
});

afterAll(async () => {
  for (const f of fetches) f.close();
  for (const res of held) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Node's timers, counting the ones still set. */
function countedTimers() {
  const live = new Set<unknown>();
  return {
    live,
    setTimeout: (fn: () => void, ms: number) => {
      const t = setTimeout(() => {
        live.delete(t);
        fn();
      }, ms);
      live.add(t);
      return t;
    },
    clearTimeout: (t: never) => {
      live.delete(t);
      clearTimeout(t);
    },
  };
}

function client(timeoutMs: number, timers?: ReturnType<typeof countedTimers>) {
  const fetch = createSlackFetch(timeoutMs, timers ? { timers } : {});
  fetches.push(fetch);
  return new WebClient('xoxb-test', { slackApiUrl: apiUrl, retryConfig: { retries: 0 }, timeout: 0, fetch });
}

describe('createSlackFetch', () => {
  it('sends what web-api asks (form body, token header) and gives back the answer and its headers', async () => {
    const result = await client(5000).apiCall('views.open', { trigger_id: '1.2', view: '{"type":"modal","title":"é & ü"}' });
    expect(result).toMatchObject({ ok: true, echo: { trigger_id: '1.2', view: '{"type":"modal","title":"é & ü"}' }, response_metadata: { scopes: ['commands', 'chat:write'] } });
    const request = seen.at(-1)!;
    expect(request.headers.authorization).toBe('Bearer xoxb-test');
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Number(request.headers['content-length'])).toBe(Buffer.byteLength(request.body));
  });

  it('reuses a kept-alive connection for the next call', async () => {
    const slack = client(5000);
    await slack.apiCall('auth.test');
    await slack.apiCall('auth.test');
    expect(seen.at(-1)!.socket).toBe(seen.at(-2)!.socket);
  });

  it('ends each call’s timer once its answer is read, including answers web-api does not read (a 429)', async () => {
    const timers = countedTimers();
    const slack = client(60_000, timers);
    for (let i = 0; i < 5; i += 1) expect((await slack.apiCall('auth.test')).ok).toBe(true);
    await expect(slack.apiCall('busy.answer')).rejects.toThrow(/rate limit/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(timers.live.size).toBe(0);
  });

  it('fails a call Slack does not answer, as a request error caused by a TimeoutError', async () => {
    const err = await client(100)
      .apiCall('never.answer')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'slack_webapi_request_error' });
    // The DOMException is from Node's realm, not the test's: web-api wraps it in an Error of its message.
    expect(String((err as { original: unknown }).original)).toMatch(/TimeoutError: The operation was aborted due to timeout/);
  });

  it('fails a call whose answer stops halfway, within the same limit', async () => {
    const err = await client(100)
      .apiCall('half.answer')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'TimeoutError' });
  });

  it('does not follow a redirect (web-api asks for redirect: error)', async () => {
    await expect(client(5000).apiCall('moved.answer')).rejects.toMatchObject({ code: 'slack_webapi_request_error' });
  });

  it('still honours a signal the caller passes', async () => {
    const fetch = createSlackFetch(60_000);
    fetches.push(fetch);
    const controller = new AbortController();
    const pending = fetch(`${apiUrl}never.answer`, { method: 'POST', body: '', signal: controller.signal });
    controller.abort(new Error('caller gave up'));
    await expect(pending).rejects.toThrow('caller gave up');
  });
});
