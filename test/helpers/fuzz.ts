/**
 * Hostile-input tooling: a seeded PRNG (so a failing fuzz run reproduces from its printed seed), generators of
 * nasty text and wrongly-typed JSON, structural mutation of valid payloads, raw (unsigned or oddly signed) POSTs,
 * and latency summaries.
 */

/** mulberry32: small, fast, good enough to drive a fuzzer; the same seed gives the same sequence. */
export function createRandom(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    seed,
    next,
    /** 0 … n-1 */
    int,
    bool: (p = 0.5): boolean => next() < p,
    pick<T>(items: readonly T[]): T {
      const item = items[int(items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
  };
}
export type Random = ReturnType<typeof createRandom>;

/** Text that has broken Slack apps before: broadcasts, mentions, links, escapes, RTL, combining marks, zero-width. */
export const NASTY_PIECES = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '@channel',
  '@here',
  '<@U0002>',
  '<@U0002|bob>',
  '<#C1|x>',
  '<!subteam^S123|team>',
  '<https://evil.example|click>',
  '<mailto:evil@attacker.com|mail>',
  '&',
  '&amp;',
  '&lt;!channel&gt;',
  '<',
  '>',
  '*bold* _it_ ~s~ `code` ```block```',
  '> quote',
  '😀',
  '👩‍👩‍👧‍👦',
  '🇺🇳',
  'مرحبا بالعالم',
  '\u202Eevil\u202C',
  'שלום',
  'e\u0301\u0301\u0301\u0301',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  '\u200B\u200C\u200D\uFEFF',
  '\u2060',
  '\u0000',
  '\u0007\u001b[31m',
  '\r\n',
  '\t',
  '\uD800',
  '\uDFFF',
  '%00%',
  '"quoted" \'single\'',
  '\\',
  '{"json":true}',
  '[]',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'every weekday at 9am',
  'every 1 minutes',
  'at 25:99',
  '0 9 ? * MON-FRI *',
  '* * * * * *',
  'America/New_York',
  'Not/AZone',
  'list',
  'help',
  'new',
  'evil@attacker.com',
  'alice@example.com',
] as const;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-_:;!?/';

/** Random text up to `maxLen` UTF-16 units (occasionally far longer when `allowHuge`). */
export function randomText(r: Random, maxLen = 200, allowHuge = true): string {
  const shape = r.int(10);
  if (shape === 0) return '';
  if (shape === 1 && allowHuge) return r.pick(NASTY_PIECES).repeat(1 + r.int(4000)).slice(0, 3000 + r.int(20_000));
  if (shape === 2) return r.pick(NASTY_PIECES);
  let out = '';
  const target = 1 + r.int(maxLen);
  while (out.length < target) {
    if (r.bool(0.3)) out += r.pick(NASTY_PIECES);
    else if (r.bool(0.1)) out += String.fromCharCode(r.int(0x10000));
    else out += ALPHABET.charAt(r.int(ALPHABET.length));
  }
  return out;
}

/** Any JSON value, with a bias towards the wrong-typed ones a forger would try. */
export function randomJson(r: Random, depth = 2): unknown {
  switch (r.int(depth > 0 ? 10 : 7)) {
    case 0:
      return null;
    case 1:
      return r.pick([0, -1, 1e308, 3.5, Number.MAX_SAFE_INTEGER]);
    case 2:
      return r.bool();
    case 3:
    case 4:
      return randomText(r, 60);
    case 5:
      return 'x'.repeat(10_000 + r.int(50_000));
    case 6:
      return {};
    case 7:
    case 8:
      return Array.from({ length: r.int(4) }, () => randomJson(r, depth - 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = r.int(4); i > 0; i -= 1) o[r.pick(['value', 'selected_option', 'text', 'type', 'id', randomText(r, 8, false)])] = randomJson(r, depth - 1);
      return o;
    }
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every [parent, key] in a JSON tree (arrays included), for picking a place to mutate. */
function collectSlots(node: unknown, out: Array<[Json | unknown[], string | number]> = []): Array<[Json | unknown[], string | number]> {
  if (Array.isArray(node)) {
    node.forEach((child, i) => {
      out.push([node, i]);
      collectSlots(child, out);
    });
  } else if (isObject(node)) {
    for (const [k, child] of Object.entries(node)) {
      out.push([node, k]);
      collectSlots(child, out);
    }
  }
  return out;
}

/** Keys whose mutation would make the app call a real URL (response_url): kept pointing at the fake. */
const PROTECTED_KEYS = new Set(['response_url', 'response_urls']);

/**
 * A copy of `payload` with 1–3 structural mutations: a value replaced by random JSON, a key deleted, a value wrapped
 * in an array, or an object emptied. Returns the copy and a short description of what changed.
 */
export function mutatePayload(r: Random, payload: object): { payload: Json; changes: string[] } {
  const copy = structuredClone(payload) as Json;
  const changes: string[] = [];
  for (let n = 1 + r.int(3); n > 0; n -= 1) {
    const slots = collectSlots(copy).filter(([, k]) => !PROTECTED_KEYS.has(String(k)));
    if (slots.length === 0) break;
    const [parent, key] = r.pick(slots);
    const op = r.int(4);
    const current = (parent as Record<string | number, unknown>)[key];
    if (op === 0 && !Array.isArray(parent)) {
      delete (parent as Json)[key as string];
      changes.push(`delete ${String(key)}`);
    } else if (op === 1) {
      (parent as Record<string | number, unknown>)[key] = [current];
      changes.push(`wrap ${String(key)}`);
    } else if (op === 2 && isObject(current)) {
      (parent as Record<string | number, unknown>)[key] = {};
      changes.push(`empty ${String(key)}`);
    } else {
      (parent as Record<string | number, unknown>)[key] = randomJson(r);
      changes.push(`replace ${String(key)}`);
    }
  }
  return { payload: copy, changes };
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  ms: number;
}

/** POSTs exactly these bytes with exactly these headers (no signing added): for unsigned and oddly signed requests. */
export async function postRaw(url: string, body: string | Uint8Array, headers: Record<string, string>, timeoutMs = 10_000): Promise<RawResponse> {
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, ms: performance.now() - started };
}

/** Why a fetch got no HTTP answer: the error and its cause chain (undici puts the socket error in `cause`). */
export function describeFetchError(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e !== undefined && e !== null && depth < 4; depth += 1) {
    const o = e as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
    parts.push([o.name, o.code, o.message].filter((x) => typeof x === 'string' && x !== '').join(' '));
    e = o.cause;
  }
  return parts.filter(Boolean).join(' ← ') || String(err);
}

/** Latency summary of a list of milliseconds. */
export function summariseLatency(ms: readonly number[]): { count: number; max: number; p50: number; p99: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  return { count: sorted.length, max: sorted.at(-1) ?? 0, p50: at(0.5), p99: at(0.99) };
}

/** Runs `work` over `items` with at most `limit` at a time. */
export async function runLimited<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let nextIndex = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (nextIndex < items.length) {
      const i = nextIndex;
      nextIndex += 1;
      await work(items[i] as T, i);
    }
  });
  await Promise.all(lanes);
}

/** Every secret value that must never reach a log line, with a name for the failure message. */
export function findSecretsInLogs(logs: readonly string[], secrets: Record<string, string | undefined>): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(secrets)) {
    if (!value) continue;
    const lines = logs.filter((l) => l.includes(value));
    if (lines.length > 0) found.push(`${name} in ${lines.length} log line(s), e.g. ${(lines[0] ?? '').split(value).join('[THE SECRET]').slice(0, 300)}`);
  }
  return found;
}
