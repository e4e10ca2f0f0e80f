/**
 * The org key and the Slack secrets reach no log line (issue 5), even through errors built to carry them: Omni
 * answering 401/403 with the key echoed in its body, Omni too slow (the client's timeout), Slack Web API failures,
 * and requests signed with the wrong secret. The failures must be logged (else this test proves nothing), and
 * nothing the user is shown carries a secret either.
 */
import { describe, expect, it } from '@jest/globals';
import { modalValues, useHarness } from '../helpers/app-harness.js';
import { findSecretsInLogs } from '../helpers/fuzz.js';
import { recordReliability } from '../helpers/reliability.js';
import { createThroughModal, seedRoutine } from '../helpers/routine-ui.js';
import { action, blockActionsBody, signSlackRequest, slashCommandBody } from '../helpers/slack-requests.js';

const h = useHarness();

const secrets = () => ({ omniKey: h.config.omni.apiKey, botToken: h.config.slack.botToken, signingSecret: h.config.slack.signingSecret });

const createRoutine = (name: string) => createThroughModal(h, name, { text: 'new', values: modalValues(h, { name, prompt: 'p', timezone: 'UTC', delivery: 'dm' }) });

describe('secrets never reach a log line', () => {
  it('through Omni 401/403 echoing the key, Omni timeouts, Slack API failures and bad signatures', async () => {
    const key = h.config.omni.apiKey;
    const echo = (status: number) => ({ type: 'status' as const, status, body: { detail: `Key ${key} (Authorization: Bearer ${key}) refused`, status } });
    const start = h.logs.length;

    h.omni.inject({ match: { method: 'POST', path: '/v1/ai/routines' }, fault: echo(401) });
    await createRoutine('Key echo 401');
    h.omni.inject({ match: { method: 'POST', path: '/v1/ai/routines' }, fault: echo(403) });
    await createRoutine('Key echo 403');
    h.omni.inject({ match: { method: 'POST', path: '/v1/ai/routines' }, times: 5, fault: { type: 'delay-before', ms: 2000 } });
    await createRoutine('Too slow');
    h.omni.clearFaults();

    const routine = seedRoutine(h, 'Mine', { schedule: '0 9 ? * * *' });
    h.omni.inject({ match: { method: 'POST', path: /\/trigger$/ }, fault: echo(401) });
    await h.post(blockActionsBody({ source: 'message', actions: [action.button({ actionId: 'routine_run_now', value: routine })], responseUrl: h.slack.responseUrl('run') }));
    await h.settle();

    h.slack.failNext('chat.postMessage', { status: 500 }, 3);
    h.omni.inject({ match: { method: 'POST', path: '/v1/ai/routines' }, fault: echo(401) });
    await createRoutine('Slack fails too');
    h.omni.clearFaults();

    const body = slashCommandBody({ text: 'help' });
    const wrong = await fetch(`${h.baseUrl}/slack/events`, { method: 'POST', headers: { ...signSlackRequest(`${h.config.slack.signingSecret}x`, body) }, body });
    expect(wrong.status).toBe(401);
    await h.settle();

    const lines = h.logs.slice(start);
    // The failures were logged: Omni's refusals, the timeout, the bad signature.
    expect(lines.some((l) => /omni create failed/.test(l) && /401/.test(l))).toBe(true);
    expect(lines.some((l) => /omni create failed/.test(l) && /403/.test(l))).toBe(true);
    expect(lines.some((l) => /omni routine action failed/.test(l))).toBe(true);
    expect(lines.some((l) => /signature mismatch/.test(l))).toBe(true);
    // The key did travel towards the logs inside Omni's error text, and was redacted on the way.
    expect(lines.some((l) => l.includes('[redacted]'))).toBe(true);
    expect(findSecretsInLogs(h.logs, secrets())).toEqual([]);
    // Nor does anything shown to the user (views, messages, replies).
    expect(JSON.stringify(h.slack.calls.map((c) => c.args)).includes(key)).toBe(false);
    expect(h.omni.routinesOf(h.members.alice).filter((r) => ['Key echo 401', 'Key echo 403', 'Slack fails too'].includes(r.name))).toEqual([]);
    recordReliability({
      section: 'Secrets',
      check: 'Omni 401/403 echoing the org key, Omni timeouts, Slack API 500s, wrong signing secret',
      result: `${h.logs.length} log lines captured, 0 contain the org key, bot token or signing secret`,
      lost: 'nothing',
    });
  }, 30_000);
});
