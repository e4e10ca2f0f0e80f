import { describe, expect, it } from '@jest/globals';
import { chooseDefaultModel, chooseDefaultTimezone, completeForm, matchModel, suggestRoutineName } from '../../../src/routines/defaults.js';
import { EMPTY_FORM } from '../../../src/routines/types.js';

const SALES = { id: 'm-sales', name: 'Sales' };
const MARKETING = { id: 'm-mkt', name: 'Marketing' };

describe('chooseDefaultModel', () => {
  it('prefers the last-used model while it is still shared', () => {
    expect(chooseDefaultModel({ remembered: { modelId: 'm-mkt' }, models: [SALES, MARKETING], configured: 'Sales' })).toEqual(MARKETING);
  });

  it('skips a last-used model that is no longer shared, for the only model, then the configured one', () => {
    expect(chooseDefaultModel({ remembered: { modelId: 'm-gone' }, models: [SALES] })).toEqual(SALES);
    expect(chooseDefaultModel({ remembered: { modelId: 'm-gone' }, models: [SALES, MARKETING], configured: 'marketing' })).toEqual(MARKETING);
    expect(chooseDefaultModel({ models: [SALES, MARKETING], configured: 'm-sales' })).toEqual(SALES);
  });

  it('preselects nothing when several models are shared and none is configured or it matches none', () => {
    expect(chooseDefaultModel({ models: [SALES, MARKETING] })).toBeUndefined();
    expect(chooseDefaultModel({ models: [SALES, MARKETING], configured: 'Finance' })).toBeUndefined();
    expect(chooseDefaultModel({ models: [] , configured: 'Sales' })).toBeUndefined();
  });

  it('uses the remembered model as remembered when the model list is not available in time', () => {
    expect(chooseDefaultModel({ remembered: { modelId: 'm-mkt', modelName: 'Marketing' }, models: undefined })).toEqual(MARKETING);
    expect(chooseDefaultModel({ models: undefined, configured: 'Sales' })).toBeUndefined();
  });
});

describe('matchModel', () => {
  it('matches an id exactly, or one name case-insensitively, never an ambiguous name', () => {
    expect(matchModel([SALES, MARKETING], ' SALES ')).toEqual(SALES);
    expect(matchModel([SALES, { id: 'm-2', name: 'sales' }], 'Sales')).toBeUndefined();
    expect(matchModel([SALES, { id: 'm-2', name: 'sales' }], 'm-2')).toEqual({ id: 'm-2', name: 'sales' });
    expect(matchModel([SALES], '')).toBeUndefined();
  });
});

describe('chooseDefaultTimezone', () => {
  it('takes a remembered override, else the Slack zone, else the fallback; invalid zones are skipped', () => {
    expect(chooseDefaultTimezone('Europe/London', 'America/New_York', 'UTC')).toBe('Europe/London');
    expect(chooseDefaultTimezone(undefined, 'America/New_York', 'UTC')).toBe('America/New_York');
    expect(chooseDefaultTimezone('Mars/Olympus', 'Nowhere/Else', 'UTC')).toBe('UTC');
  });
});

describe('naming', () => {
  it('suggests a name from the prompt’s first words, capitalised and short', () => {
    expect(suggestRoutineName("  summarise yesterday's   pipeline by rep ")).toBe("Summarise yesterday's pipeline by rep");
    expect(suggestRoutineName('a'.repeat(100)).length).toBeLessThanOrEqual(60);
    expect(suggestRoutineName('   ')).toBe('');
  });

  it('completes a blank name from the prompt and keeps a given one', () => {
    expect(completeForm({ ...EMPTY_FORM, name: ' ', prompt: 'churn by segment' }).name).toBe('Churn by segment');
    expect(completeForm({ ...EMPTY_FORM, name: 'Mine', prompt: 'churn' }).name).toBe('Mine');
  });
});
