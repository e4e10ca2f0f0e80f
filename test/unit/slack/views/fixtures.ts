/** Inputs shared by the view builder tests. */
import type { KnownBlock, View } from '@slack/types';
import { EMPTY_FORM, type RoutineForm, type RoutineView, type SchedulePreview } from '../../../../src/routines/types.js';

export const HOSTILE = '<!channel> & co <@U1> <https://evil.example|click> @here';

export function makeForm(overrides: Partial<RoutineForm> = {}): RoutineForm {
  return {
    ...EMPTY_FORM,
    name: 'Pipeline brief',
    prompt: "Summarise yesterday's pipeline by region",
    schedule: 'every weekday at 9am',
    timezone: 'America/New_York',
    modelId: '7c1f0e4e-0000-4000-8000-000000000001',
    modelName: 'Sales',
    ...overrides,
  };
}

export const OK_PREVIEW: Extract<SchedulePreview, { ok: true }> = {
  input: 'every weekday at 9am',
  ok: true,
  cron: '0 9 ? * MON-FRI *',
  timezone: 'America/New_York',
  description: 'Weekdays at 9:00 AM',
  nextRuns: ['2026-01-12T09:00:00.000-05:00', '2026-01-13T09:00:00.000-05:00', '2026-01-14T09:00:00.000-05:00'],
  warnings: [],
  assumed: [],
};

export const REFUSED_PREVIEW: Extract<SchedulePreview, { ok: false }> = {
  input: 'every other week',
  ok: false,
  error: {
    code: 'interval_not_expressible',
    message: "Omni schedules can't skip weeks.",
    alternative: 'every Monday at 9am',
  },
};

export function makeRoutine(overrides: Partial<RoutineView> = {}): RoutineView {
  return {
    id: 'a1b2c3d4-0000-4000-8000-000000000001',
    name: 'Pipeline brief',
    prompt: "Summarise yesterday's pipeline by region",
    schedule: '0 9 ? * MON-FRI *',
    timezone: 'America/New_York',
    scheduleText: 'Weekdays at 9:00 AM',
    nextRuns: ['2026-01-12T14:00:00.000Z', '2026-01-13T14:00:00.000Z', '2026-01-14T14:00:00.000Z'],
    status: 'active',
    delivery: { kind: 'channel', channelId: 'C0SALES' },
    modelId: '7c1f0e4e-0000-4000-8000-000000000001',
    pausable: true,
    ...overrides,
  };
}

export function makeRoutines(count: number): RoutineView[] {
  return Array.from({ length: count }, (_, i) =>
    makeRoutine({ id: `routine-${String(i).padStart(3, '0')}`, name: `Routine ${i}` }),
  );
}

type AnyBlock = KnownBlock | View['blocks'][number];

/** The block with this block_id (fails the test when missing). */
export function blockById<T = Record<string, unknown>>(blocks: readonly AnyBlock[], blockId: string): T {
  const block = blocks.find((b) => (b as { block_id?: string }).block_id === blockId);
  if (!block) throw new Error(`no block ${blockId} in [${blocks.map((b) => (b as { block_id?: string }).block_id).join(', ')}]`);
  return block as T;
}

export function blockIds(blocks: readonly AnyBlock[]): Array<string | undefined> {
  return blocks.map((b) => (b as { block_id?: string }).block_id);
}

/** Every text string anywhere in the blocks (text objects' `text`), for escaping checks. */
export function allTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(allTexts);
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  const own = (record.type === 'mrkdwn' || record.type === 'plain_text') && typeof record.text === 'string' ? [`${record.type}:${record.text}`] : [];
  return [...own, ...Object.values(record).flatMap(allTexts)];
}

/** mrkdwn texts only: none of them may contain a live `<…>` entity built from user text. */
export function mrkdwnTexts(value: unknown): string[] {
  return allTexts(value)
    .filter((t) => t.startsWith('mrkdwn:'))
    .map((t) => t.slice('mrkdwn:'.length));
}
