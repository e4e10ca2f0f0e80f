/** Every `text` string inside a Slack view, message or blocks, joined by newlines (what a user would read). */
export function textOf(value: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'text' && typeof x === 'string') out.push(x);
        else walk(x);
      }
    }
  };
  walk(value);
  return out.join('\n');
}

/** The value of the `actionId` button in `blocks` (the first, or the one whose value is `near`). */
export function buttonValue(blocks: unknown, actionId: string, near?: string): string | undefined {
  const values: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'button' && o.action_id === actionId && typeof o.value === 'string') values.push(o.value);
      else Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  return near === undefined ? values[0] : values.find((v) => v === near);
}
