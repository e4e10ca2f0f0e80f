/**
 * manifest.yml is checked structurally, without a YAML dependency: a small reader for the YAML subset the manifest
 * uses (block maps and sequences, plain/quoted scalars, booleans, numbers, `>` folded text, comments) that throws
 * on anything else, so the manifest cannot drift into syntax this test would misread.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { SHORTCUT_ID, SLASH_COMMAND } from '../../../src/slack/ids.js';

type Yaml = string | number | boolean | null | Yaml[] | { [key: string]: Yaml };

interface Line {
  indent: number;
  text: string;
  no: number;
}

function stripComment(text: string): string {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || text[i - 1] === ' ')) {
      return text.slice(0, i).trimEnd();
    }
  }
  return text;
}

function readScalar(raw: string, no: number): Yaml {
  const s = raw.trim();
  if (s.startsWith('"')) {
    if (!s.endsWith('"') || s.length < 2) throw new Error(`line ${no}: unterminated double-quoted string`);
    return JSON.parse(s) as string;
  }
  if (s.startsWith("'")) {
    if (!s.endsWith("'") || s.length < 2) throw new Error(`line ${no}: unterminated single-quoted string`);
    return s.slice(1, -1).replaceAll("''", "'");
  }
  if (/^[[{&*!|>%@`]/.test(s)) throw new Error(`line ${no}: unsupported YAML syntax: ${s}`);
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (s === 'null' || s === '~' || s === '') return null;
  if (/^-?\d+$/.test(s)) return Number(s);
  if (/:\s/.test(s)) throw new Error(`line ${no}: a plain scalar cannot contain ": " (quote it): ${s}`);
  return s;
}

function readYamlSubset(source: string): Yaml {
  const all = source.split('\n').map((raw, i) => ({ raw, no: i + 1 }));
  if (all.some((l) => l.raw.includes('\t'))) throw new Error('tabs are not allowed in YAML indentation');
  let pos = 0;
  const isBlank = (raw: string) => raw.trim() === '' || raw.trim().startsWith('#');
  const peek = (): Line | undefined => {
    while (pos < all.length && isBlank(all[pos]?.raw ?? '')) pos++;
    const l = all[pos];
    if (!l) return undefined;
    return { indent: l.raw.length - l.raw.trimStart().length, text: stripComment(l.raw.trim()), no: l.no };
  };

  function readFolded(parentIndent: number, chomp: boolean): string {
    const lines: string[] = [];
    let indent = -1;
    while (pos < all.length) {
      const raw = all[pos]?.raw ?? '';
      const lineIndent = raw.length - raw.trimStart().length;
      if (raw.trim() !== '' && lineIndent <= parentIndent) break;
      if (raw.trim() !== '' && indent === -1) indent = lineIndent;
      lines.push(raw.trim() === '' ? '' : raw.slice(indent));
      pos++;
    }
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    // Folding: a single line break becomes a space, each empty line becomes a newline.
    let out = '';
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? '';
      if (line === '') out += '\n';
      else out += out === '' || out.endsWith('\n') ? line : ` ${line}`;
    }
    return chomp ? out : `${out}\n`;
  }

  function readValueAfterKey(rest: string, indent: number, no: number): Yaml {
    if (rest === '>' || rest === '>-') return readFolded(indent, rest === '>-');
    if (rest !== '') return readScalar(rest, no);
    const next = peek();
    if (!next || next.indent < indent || (next.indent === indent && !next.text.startsWith('- '))) return null;
    return readBlock(next.indent);
  }

  function readMap(indent: number, first?: string): Record<string, Yaml> {
    const map: Record<string, Yaml> = {};
    let pending = first;
    for (;;) {
      let text: string;
      let no: number;
      if (pending !== undefined) {
        text = pending;
        no = all[pos - 1]?.no ?? 0;
        pending = undefined;
      } else {
        const line = peek();
        if (!line || line.indent < indent) break;
        if (line.indent > indent) throw new Error(`line ${line.no}: unexpected indentation`);
        if (line.text.startsWith('- ')) break;
        text = line.text;
        no = line.no;
        pos++;
      }
      const m = /^([A-Za-z_][\w.-]*):(?:\s+(.*))?$/.exec(text);
      if (!m?.[1]) throw new Error(`line ${no}: expected "key: value", got: ${text}`);
      if (m[1] in map) throw new Error(`line ${no}: duplicate key ${m[1]}`);
      map[m[1]] = readValueAfterKey((m[2] ?? '').trim(), indent, no);
    }
    return map;
  }

  function readSequence(indent: number): Yaml[] {
    const list: Yaml[] = [];
    for (;;) {
      const line = peek();
      if (!line || line.indent !== indent || !line.text.startsWith('- ')) break;
      pos++;
      const item = line.text.slice(2).trim();
      if (/^[A-Za-z_][\w.-]*:(\s|$)/.test(item)) list.push(readMap(indent + 2, item));
      else list.push(readScalar(item, line.no));
    }
    return list;
  }

  function readBlock(indent: number): Yaml {
    const line = peek();
    if (!line) return null;
    return line.text.startsWith('- ') ? readSequence(indent) : readMap(indent);
  }

  const root = readBlock(0);
  const rest = peek();
  if (rest) throw new Error(`line ${rest.no}: could not read: ${rest.text}`);
  return root;
}

const isMap = (v: Yaml | undefined): v is Record<string, Yaml> => typeof v === 'object' && v !== null && !Array.isArray(v);
function get(v: Yaml | undefined, path: string): Yaml | undefined {
  let cur: Yaml | undefined = v;
  for (const key of path.split('.')) cur = isMap(cur) ? cur[key] : Array.isArray(cur) ? cur[Number(key)] : undefined;
  return cur;
}
const str = (v: Yaml | undefined): string => {
  if (typeof v !== 'string') throw new Error(`expected a string, got ${JSON.stringify(v)}`);
  return v;
};

describe('readYamlSubset (the reader this test relies on)', () => {
  it('reads maps, sequences of scalars and of maps, quotes, booleans, numbers, comments and folded text', () => {
    const doc = [
      '# header',
      'a:',
      '  b: 1',
      '  c: "x # not a comment"  # a comment',
      '  d: true',
      'list:',
      '  - one',
      '  # between',
      '  - k: v',
      '    j: false',
      'folded: >-',
      '  first line',
      '  same paragraph',
      '',
      '  second',
      'last: plain text',
    ].join('\n');
    expect(readYamlSubset(doc)).toEqual({
      a: { b: 1, c: 'x # not a comment', d: true },
      list: ['one', { k: 'v', j: false }],
      folded: 'first line same paragraph\nsecond',
      last: 'plain text',
    });
  });

  it.each([
    ['flow collections', 'a: [1, 2]'],
    ['a plain scalar with ": "', 'a: b: c'],
    ['bad indentation', 'a: 1\n   b: 2'],
    ['duplicate keys', 'a: 1\na: 2'],
    ['tabs', 'a:\n\tb: 1'],
    ['literal blocks', 'a: |\n  x'],
  ])('refuses %s', (_what, doc) => {
    expect(() => readYamlSubset(doc)).toThrow();
  });
});

describe('manifest.yml', () => {
  const source = readFileSync(new URL('../../../manifest.yml', import.meta.url), 'utf8');
  const manifest = readYamlSubset(source);
  const endpoint = str(get(manifest, 'features.slash_commands.0.url'));

  it('has display information within Slack limits', () => {
    expect(str(get(manifest, 'display_information.name')).length).toBeLessThanOrEqual(35);
    expect(str(get(manifest, 'display_information.description')).length).toBeLessThanOrEqual(139);
    const long = str(get(manifest, 'display_information.long_description'));
    expect(long.length).toBeGreaterThanOrEqual(175);
    expect(long.length).toBeLessThanOrEqual(4000);
    expect(str(get(manifest, 'display_information.background_color'))).toMatch(/^#([0-9a-f]{3}|[0-9a-f]{6})$/i);
    expect(str(get(manifest, 'features.bot_user.display_name'))).toMatch(/^[a-z0-9._-]{1,80}$/);
  });

  it('enables the Home tab and the Messages tab', () => {
    expect(get(manifest, 'features.app_home')).toEqual({
      home_tab_enabled: true,
      messages_tab_enabled: true,
      // Users write sentences to the bot in its Messages tab.
      messages_tab_read_only_enabled: false,
    });
  });

  it('registers exactly the slash command of src/slack/ids.ts, escaped, with a usage hint', () => {
    const commands = get(manifest, 'features.slash_commands');
    expect(Array.isArray(commands) && commands.length).toBe(1);
    expect(get(manifest, 'features.slash_commands.0.command')).toBe(SLASH_COMMAND);
    expect(SLASH_COMMAND.length).toBeLessThanOrEqual(32);
    expect(get(manifest, 'features.slash_commands.0.should_escape')).toBe(true);
    expect(str(get(manifest, 'features.slash_commands.0.usage_hint')).length).toBeLessThanOrEqual(1000);
    expect(str(get(manifest, 'features.slash_commands.0.description')).length).toBeLessThanOrEqual(2000);
    expect(endpoint).toBe('https://routines.example.com/slack/events');
  });

  it('registers the two shortcuts of src/slack/ids.ts', () => {
    const shortcuts = get(manifest, 'features.shortcuts');
    expect(Array.isArray(shortcuts)).toBe(true);
    const pairs = (shortcuts as Yaml[]).map((s) => [get(s, 'type'), get(s, 'callback_id')]);
    expect(pairs).toEqual([
      ['message', SHORTCUT_ID.fromMessage],
      ['global', SHORTCUT_ID.newRoutine],
    ]);
    for (const s of shortcuts as Yaml[]) {
      expect(str(get(s, 'description')).length).toBeLessThanOrEqual(150);
      expect(str(get(s, 'name')).length).toBeGreaterThan(0);
    }
  });

  it('asks for exactly the bot scopes the bot uses, each with a comment saying why', () => {
    const scopes = get(manifest, 'oauth_config.scopes.bot');
    expect(scopes).toEqual(['commands', 'chat:write', 'users:read', 'users:read.email', 'im:write', 'app_mentions:read', 'im:history', 'channels:read', 'groups:read']);
    const lines = source.split('\n');
    for (const scope of scopes as string[]) {
      const at = lines.findIndex((l) => l.trim() === `- ${scope}`);
      expect(lines[at - 1]?.trim().startsWith('#')).toBe(true);
    }
    expect(get(manifest, 'oauth_config.scopes.user')).toBeUndefined();
  });

  it('sends interactivity, options and the Home tab event to the one Bolt endpoint (HTTP mode)', () => {
    expect(get(manifest, 'settings.interactivity')).toEqual({
      is_enabled: true,
      request_url: endpoint,
      message_menu_options_url: endpoint,
    });
    expect(get(manifest, 'settings.event_subscriptions')).toEqual({ request_url: endpoint, bot_events: ['app_home_opened', 'app_mention', 'message.im'] });
    expect(get(manifest, 'settings.socket_mode_enabled')).toBe(false);
    expect(get(manifest, 'settings.token_rotation_enabled')).toBe(false);
    expect(get(manifest, 'settings.org_deploy_enabled')).toBe(false);
  });

  it('subscribes each event the listeners handle, each with a comment, and asks for the scope each event needs', () => {
    const events = get(manifest, 'settings.event_subscriptions.bot_events') as string[];
    const lines = source.split('\n');
    for (const event of events) {
      const at = lines.findIndex((l) => l.trim() === `- ${event}`);
      expect(lines[at - 1]?.trim().startsWith('#')).toBe(true);
    }
    // Slack refuses a manifest whose events lack their scope: app_mention needs app_mentions:read, message.im im:history.
    const needs: Record<string, string | null> = { app_home_opened: null, app_mention: 'app_mentions:read', 'message.im': 'im:history' };
    const scopes = get(manifest, 'oauth_config.scopes.bot') as string[];
    for (const event of events) {
      expect(Object.keys(needs)).toContain(event);
      const scope = needs[event];
      if (scope) expect(scopes).toContain(scope);
    }
    // And the code listens for exactly these.
    const listeners = ['home', 'sentences'].map((f) => readFileSync(new URL(`../../../src/slack/listeners/${f}.ts`, import.meta.url), 'utf8')).join('\n');
    const handled = [...listeners.matchAll(/routes\.event\('([a-z_]+)'/g)].map((m) => (m[1] === 'message' ? 'message.im' : m[1]));
    expect(handled.sort()).toEqual([...events].sort());
  });

  it('documents the Socket Mode variant in a comment', () => {
    const comments = source
      .split('\n')
      .filter((l) => l.trim().startsWith('#'))
      .join('\n');
    expect(comments).toMatch(/socket_mode_enabled: true/);
    expect(comments).toMatch(/connections:write/);
    expect(comments).toMatch(/SLACK_APP_TOKEN/);
  });
});

describe('docs/slack-setup.md', () => {
  const doc = readFileSync(new URL('../../../docs/slack-setup.md', import.meta.url), 'utf8');

  it('names the manifest, both transports and every Slack variable', () => {
    for (const word of ['manifest.yml', 'Socket Mode', 'connections:write', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'SLACK_API_URL', '/slack/events']) {
      expect(doc).toContain(word);
    }
  });
});
