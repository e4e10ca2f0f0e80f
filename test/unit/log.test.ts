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
  it('stamps every line written inside a request, including after an await, with its request id', async () => {
    const { runWithRequestContext } = await import('../../src/request-context.js');
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l) });
    await runWithRequestContext({ requestId: 'req-1', slackUserId: 'U1' }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      log.info('inside');
    });
    log.info('outside');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ msg: 'inside', requestId: 'req-1', slackUserId: 'U1' });
    expect(JSON.parse(lines[1] ?? '{}').requestId).toBeUndefined();
  });
});
