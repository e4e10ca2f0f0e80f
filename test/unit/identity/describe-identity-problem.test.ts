import { describe, expect, it } from '@jest/globals';
import { adminFixForIdentityProblem, describeIdentityProblem, type IdentityProblemReason } from '../../../src/identity/index.js';

describe('describeIdentityProblem', () => {
  it('tells a user without an Omni match what to ask, never the admin command', () => {
    expect(describeIdentityProblem({ reason: 'no_match', email: 'alice@x.com', slackUserId: 'U123' })).toBe(
      "Your Slack email alice@x.com doesn't match any Omni user. Ask your Omni admin to invite you with that email, " +
        'or ask your Slack admin to link your Omni account.',
    );
    for (const reason of ['no_email', 'not_a_person', 'no_match', 'several_matches', 'inactive', 'lookup_failed', 'omni_busy']) {
      expect(describeIdentityProblem({ reason, email: 'a@x.com', slackUserId: 'U1' })).not.toMatch(/npx|routine-bot|users link/);
    }
  });

  it('gives the admin the link command, for the log, where linking helps', () => {
    expect(adminFixForIdentityProblem({ reason: 'no_match', slackUserId: 'U123' })).toBe('npx routine-bot users link U123 <membership-id>');
    expect(adminFixForIdentityProblem({ reason: 'several_matches' })).toBe('npx routine-bot users link <slack-user-id> <membership-id>');
    expect(adminFixForIdentityProblem({ reason: 'inactive', slackUserId: 'U1' })).toBeUndefined();
  });

  it('gives every reason its own words, naming the admin to ask', () => {
    const reasons: IdentityProblemReason[] = ['no_email', 'not_a_person', 'no_match', 'several_matches', 'inactive', 'lookup_failed', 'omni_busy'];
    const texts = reasons.map((reason) => describeIdentityProblem({ reason, email: 'a@x.com', slackUserId: 'U1' }));
    expect(new Set(texts).size).toBe(reasons.length);
    expect(texts[0]).toMatch(/Slack admin/);
    expect(texts[3]).toMatch(/more than one Omni user/);
    expect(texts[4]).toMatch(/deactivated.*reactivate/);
    expect(texts[5]).toMatch(/Try again/);
    // Waiting too long for Omni's rate limit reads as every other busy request does.
    expect(texts[6]).toBe('Omni is busy right now. Try again in a minute.');
  });

  it('answers an unknown reason with the generic try-again text rather than nothing', () => {
    expect(describeIdentityProblem({ reason: 'something_new' })).toBe(describeIdentityProblem({ reason: 'lookup_failed' }));
  });
});
