import { describe, expect, it } from '@jest/globals';
import { createLogger } from '../../src/log.js';

describe('createLogger', () => {
  it('redacts configured secrets and token-shaped strings from every line', () => {
    const lines: string[] = [];
    const log = createLogger({ secrets: ['my-signing-secret'], sink: (l) => lines.push(l) });
    log.error('boom', {
      err: new Error('failed with header Authorization: Bearer omni_osk_abcdef123456 and my-signing-secret'),
      token: 'xoxb-123-456-abc',
    });
    const text = lines.join('\n');
    expect(text).not.toContain('omni_osk_abcdef123456');
    expect(text).not.toContain('my-signing-secret');
    expect(text).not.toContain('xoxb-123-456-abc');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 'error', msg: 'boom' });
  });

  it('drops lines below the level', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', sink: (l) => lines.push(l) });
    log.info('hidden');
    log.warn('shown');
    expect(lines).toHaveLength(1);
  });
});

describe('request context', () => {
  it('gives each request fields of its own: a short id, the Slack user and the kind of payload', async () => {
    const { requestLogFields } = await import('../../src/request-context.js');
    const command = requestLogFields({ command: '/routine', user_id: 'U1' });
    expect(command).toMatchObject({ slackUserId: 'U1', kind: '/routine' });
    expect(command.requestId).toMatch(/^[0-9a-f]{8}$/);
    expect(requestLogFields({ type: 'event_callback', event: { type: 'app_mention' } })).toMatchObject({ kind: 'app_mention' });
    expect(requestLogFields({ type: 'block_actions', user: { id: 'U2' } })).toMatchObject({ slackUserId: 'U2', kind: 'block_actions' });
    expect(requestLogFields(null).requestId).not.toBe(requestLogFields(null).requestId);
  });

  it('stamps the lines of a request’s logger, and only those, with its fields', () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l) });
    log.child({ requestId: 'req-1', slackUserId: 'U1' }).info('inside');
    log.info('outside');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ msg: 'inside', requestId: 'req-1', slackUserId: 'U1' });
    expect(JSON.parse(lines[1] ?? '{}').requestId).toBeUndefined();
  });
});
