import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from '@jest/globals';
import { OmniApiError } from '../../../src/omni/errors.js';
import { emailBody, setupClient, type ClientSetup } from './setup-client.js';

let s: ClientSetup;
afterEach(async () => {
  await s.close();
});

/** Every way an error gets printed, serialised or walked. */
function renderings(err: unknown): string[] {
  const out: string[] = [inspect(err, { depth: 20, showHidden: true }), JSON.stringify(err), String(err)];
  let current: unknown = err;
  for (let i = 0; i < 10 && current; i += 1) {
    if (current instanceof Error) out.push(current.stack ?? '', current.message);
    out.push(inspect(current, { depth: 20, showHidden: true }));
    current = (current as { cause?: unknown }).cause;
  }
  return out;
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('the API key never leaves the client', () => {
  it('appears in no error rendering, cause chain, or log line, whatever the failure', async () => {
    s = await setupClient({ client: { timeoutMs: 300, retry: { limit: 1, baseDelayMs: 1, maxDelayMs: 1 } } });
    const key = s.fake.apiKey;
    const secretBits = [key, key.slice('omni_osk_'.length), 'Bearer', 'authorization'];
    const scenarios: Array<[string, () => Promise<unknown>]> = [
      ['500', () => { s.fake.inject({ match: { path: '/v1/whoami' }, times: 2, fault: { type: 'status', status: 500 } }); return s.client.whoami(); }],
      ['WAF 429', () => { s.fake.inject({ match: { path: '/v1/whoami' }, times: 2, fault: { type: 'waf429', retryAfter: 1 } }); return s.client.whoami(); }],
      ['timeout', () => { s.fake.inject({ match: { path: '/v1/whoami' }, times: 2, fault: { type: 'delay-before', ms: 2000 } }); return s.client.whoami(); }],
      ['reset', () => { s.fake.inject({ match: { path: '/v1/whoami' }, times: 2, fault: { type: 'reset-before' } }); return s.client.whoami(); }],
      ['400 on create', () => s.client.createRoutine(s.alice, emailBody(s.modelId, { schedule: 'every day' }))],
      ['ambiguous create', () => { s.fake.inject({ match: { method: 'POST' }, times: 2, fault: { type: 'status', status: 502 } }); return s.client.createRoutine(s.alice, emailBody(s.modelId)); }],
      ['404', () => s.client.getRoutine(s.alice, '55555555-5555-4555-8555-555555555555')],
      ['invalid input', () => s.client.createRoutine(s.alice, emailBody('nope'))],
      // Omni echoing the key back must not carry it into our error either.
      ['echo', () => { s.fake.inject({ match: { path: '/v1/whoami' }, fault: { type: 'status', status: 400, body: { detail: `bad key ${key}` } } }); return s.client.whoami(); }],
    ];
    for (const [name, run] of scenarios) {
      const err = await failureOf(run());
      expect([name, err instanceof OmniApiError]).toEqual([name, true]);
      expect((err as Error).cause).toBeUndefined();
      for (const text of renderings(err)) {
        for (const bit of secretBits) expect([name, text.includes(bit)]).toEqual([name, false]);
      }
    }
    expect(s.logLines.length).toBeGreaterThan(10);
    for (const line of s.logLines) {
      for (const bit of secretBits) expect(line.includes(bit)).toBe(false);
    }
  });

  it('an unreachable Omni (no response at all) leaks nothing either', async () => {
    s = await setupClient({ client: { retry: { limit: 0, baseDelayMs: 1, maxDelayMs: 1 } } });
    const key = s.fake.apiKey;
    await s.fake.close();
    const err = await failureOf(s.client.listRoutines(s.alice));
    expect(err).toMatchObject({ kind: 'network', networkCode: 'ECONNREFUSED' });
    for (const text of renderings(err)) expect(text.includes(key)).toBe(false);
    // Query values (a membership id here, an email for SCIM) stay out of the error's path.
    expect((err as OmniApiError).path).toBe('/v1/ai/routines');
    expect(renderings(err).some((t) => t.includes(s.alice))).toBe(false);
    s = await setupClient();
  });
});
