import { describe, expect, it } from '@jest/globals';
import { OmniApiError } from '../../../src/omni/errors.js';
import { describeFailure, failureOf } from '../../../src/routines/failures.js';

const omniError = (reason: OmniApiError['reason'], extra: { status?: number; omniMessage?: string } = {}) =>
  new OmniApiError({ kind: 'http', reason, method: 'POST', path: '/v1/ai/routines', ...extra });

describe('describeFailure', () => {
  it('words Omni reasons plainly and never shows raw bodies', () => {
    const limit = describeFailure(omniError('routine_limit', { status: 429 }));
    expect(limit.message).toMatch(/maximum number of active routines/);
    const invalid = describeFailure(omniError('invalid_request', { status: 400, omniMessage: 'Bad Request: prompt: Required' }));
    expect(invalid).toEqual({ code: 'invalid_request', message: 'Omni rejected the routine: prompt: Required', retryable: true });
    const unknown = describeFailure(new Error('ECONNRESET {"detail":"x"} at foo.ts:12'));
    expect(unknown.message).not.toMatch(/ECONNRESET|detail|foo\.ts/);
  });

  it('quotes Omni only where its words are about this routine or this moment', () => {
    const said = 'Model 123 is not accessible';
    expect(describeFailure(omniError('cannot_run', { status: 400, omniMessage: said })).message).toContain(`Omni said: “${said}”`);
    expect(describeFailure(omniError('forbidden', { status: 403, omniMessage: said })).message).not.toContain(said);
  });

  it('trusts only a real OmniApiError, not something shaped like one', () => {
    const lookalike = { code: 'routine_bot_omni_api_error', reason: 'routine_limit', status: 429 };
    expect(describeFailure(lookalike).code).toBe('unexpected');
  });
});

describe('failureOf', () => {
  it('words failures the bot finds itself', () => {
    expect(failureOf('run_paused')).toEqual({
      code: 'run_paused',
      message: 'This routine is paused in Omni, so it cannot run. Resume it first.',
      retryable: false,
    });
    expect(failureOf('run_ambiguous').retryable).toBe(true);
  });
});
