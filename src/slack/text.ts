/**
 * Text safety at the Slack edge, both directions:
 *  - out: `escapeForMrkdwn` makes user text inert inside mrkdwn (no pings, no links), `truncateForSlack` cuts to a
 *    field limit without breaking an entity or a surrogate pair;
 *  - in: `slackMarkupToPlainText` / `slackMessageToPlainText` turn what Slack sends (mrkdwn with `<…>` entities and
 *    `&amp;`-escapes, rich_text blocks, attachments) into readable plain text for a routine prompt.
 *
 * Echo rules: plain_text objects are shown literally by Slack, so user text goes there unchanged. mrkdwn objects
 * parse `<…>` (mentions, links) and, when `verbatim` is false, also auto-link bare `@here`/`#channel`-like words;
 * so user text in mrkdwn goes through `escapeForMrkdwn` and into an object built by `buildUserMrkdwn` (verbatim).
 * Slash command text arrives escaped (manifest `should_escape: true`): read it with `slackMarkupToPlainText`.
 */
import { FORM_MAX_LENGTH } from '../routines/form.js';

/** The three characters Slack reserves in mrkdwn, and nothing else (Slack's own escaping rule). */
const MRKDWN_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Invisible WORD JOINER: put after `@` in a bare broadcast word so no client or parser treats it as a mention. */
const WORD_JOINER = '\u2060';

/**
 * User text → safe mrkdwn. Escapes `&`, `<`, `>` (so `<!channel>`, `<@U1>`, `<https://evil|click>` show as typed and
 * never ping or link) and defuses bare `@here`, `@channel`, `@everyone` with an invisible word joiner, which mrkdwn
 * objects with `verbatim: false` would otherwise turn into broadcasts. Unicode is kept as is.
 */
export function escapeForMrkdwn(text: string): string {
  return text
    .replace(/[&<>]/g, (c) => MRKDWN_ESCAPES[c] ?? c)
    .replace(/@(here|channel|everyone)\b/gi, `@${WORD_JOINER}$1`);
}

/** A mrkdwn text object for text that contains user input (escaped, and verbatim so Slack adds no links). */
export function buildUserMrkdwn(text: string): { type: 'mrkdwn'; text: string; verbatim: true } {
  return { type: 'mrkdwn', text: escapeForMrkdwn(text), verbatim: true };
}

const ELLIPSIS = '…';

/**
 * Cuts `text` to at most `max` UTF-16 code units (the unit Slack's limits are safe in), ending with `…` when cut.
 * Never splits a surrogate pair, an `&amp;`-style escape, or a `<…>` Slack entity: the cut moves back before it.
 */
export function truncateForSlack(text: string, max: number): string {
  if (!Number.isInteger(max) || max < 0) throw new RangeError('max must be a non-negative integer');
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return '';
  let cut = max - ELLIPSIS.length;
  // A high surrogate as the last kept unit would orphan its pair.
  const last = text.charCodeAt(cut - 1);
  if (cut > 0 && last >= 0xd800 && last <= 0xdbff) cut -= 1;
  const kept = text.slice(0, cut);
  const rest = text.slice(cut);
  // An entity (<@U1|name>, <https://…|label>) open at the cut, i.e. closed only after it: drop it whole.
  const openEntity = /<(?:[@#!a-z][^<>\n]*)?$/i.exec(kept);
  // An escape (&amp; &lt; &gt; &#NN;) open at the cut: drop it whole.
  const openEscape = /&#?[A-Za-z0-9]{0,8}$/.exec(kept);
  if (openEntity && /^[^<>\n]*>/.test(rest)) {
    cut = openEntity.index;
  } else if (openEscape && /^&#?[A-Za-z0-9]+;/.test(text.slice(openEscape.index, openEscape.index + 12))) {
    cut = openEscape.index;
  }
  return text.slice(0, cut).trimEnd() + ELLIPSIS;
}

/** Undoes Slack's `&amp;`/`&lt;`/`&gt;` escaping in one pass (so `&amp;lt;` stays the literal text `&lt;`). */
export function unescapeSlackText(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_m, name: string) => (name === 'amp' ? '&' : name === 'lt' ? '<' : '>'));
}

/** Optional lookups for ids Slack sends without a label (sync: callers pass what they already know). */
export interface SlackNameResolver {
  userName?(id: string): string | undefined;
  channelName?(id: string): string | undefined;
  userGroupName?(id: string): string | undefined;
}

const BROADCASTS = new Set(['here', 'channel', 'everyone']);

function withPrefix(prefix: string, name: string): string {
  return name.startsWith(prefix) ? name : `${prefix}${name}`;
}

/** One `<…>` entity (content without the brackets, still escaped) → readable text. */
function renderEntity(inner: string, resolve: SlackNameResolver): string {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? '' : inner.slice(bar + 1);
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return withPrefix('@', label || resolve.userName?.(id) || id);
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return withPrefix('#', label || resolve.channelName?.(id) || id);
  }
  if (target.startsWith('!')) {
    const command = target.slice(1);
    if (BROADCASTS.has(command)) return `@${command}`;
    if (command.startsWith('subteam^')) {
      const id = command.slice('subteam^'.length);
      return withPrefix('@', label || resolve.userGroupName?.(id) || id);
    }
    if (command.startsWith('date^')) {
      const seconds = Number(command.split('^')[1]);
      return label || (Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString().slice(0, 10) : '');
    }
    return label || command;
  }
  if (target.startsWith('mailto:')) {
    const address = target.slice('mailto:'.length);
    return !label || label === address ? address : `${label} (${address})`;
  }
  // A link (https:, http:, tel:, slack:, …). Slack labels auto-linked text with the text itself.
  if (!label || label === target || target.replace(/^[a-z][a-z0-9+.-]*:(\/\/)?/i, '') === label) return target;
  return `${label} (${target})`;
}

/** Private-use sentinel that cannot occur in Slack text after we strip it; marks protected segments. */
const MARK = '\u0000';
const PROTECTED_PART = new RegExp(`${MARK}(\\d+)${MARK}`, 'g');

/**
 * Removes `*bold*`, `_italic_`, `~strike~` markers where Slack would treat them as formatting: the opening marker
 * starts a word (not preceded by a letter, digit or the same marker) and is followed by a non-space, the closing one
 * ends a word. So `snake_case_name`, `2*3*4` and `a * b * c` stay as typed.
 */
function stripEmphasis(text: string): string {
  let out = text;
  for (const re of EMPHASIS) out = out.replace(re, '$1');
  return out;
}

/** One pattern per marker, compiled once (a Unicode-aware pattern costs more to compile than to run on a command). */
const EMPHASIS = ['*', '_', '~'].map((m) => {
  const q = m === '*' ? '\\*' : m;
  return new RegExp(`(?<![\\p{L}\\p{N}${q}])${q}(?=[^\\s${q}])([^${q}\\n]*?[^\\s${q}])${q}(?![\\p{L}\\p{N}${q}])`, 'gu');
});

/**
 * Slack mrkdwn as sent in `text` fields and slash commands → plain text: entities rendered readable, emphasis
 * markers dropped, inline code unwrapped, ``` blocks kept with their fences, `&gt;` quotes kept as `> `, escapes
 * undone last (so text the user typed as `&lt;b&gt;` comes back as `<b>`, never as markup).
 */
export function slackMarkupToPlainText(text: string, resolve: SlackNameResolver = {}): string {
  const protectedParts: string[] = [];
  const protect = (s: string) => `${MARK}${protectedParts.push(s) - 1}${MARK}`;
  const entities = (s: string) => s.replace(/<([^<>\n]+)>/g, (_m, inner: string) => renderEntity(inner, resolve));

  let work = text.replaceAll(MARK, '');
  // Code keeps its characters: entities only (links still arrive as <…>), no emphasis stripping.
  work = work.replace(/```([\s\S]*?)```/g, (_m, code: string) => protect('```' + entities(code) + '```'));
  work = work.replace(/(?<!`)`([^`\n]+)`(?!`)/g, (_m, code: string) => protect(entities(code)));
  work = work.replace(/<([^<>\n]+)>/g, (_m, inner: string) => protect(renderEntity(inner, resolve)));
  work = stripEmphasis(work);
  // `>>>` quotes the rest of the message; `>` quotes one line.
  work = work.replace(/(^|\n)&gt;&gt;&gt; ?([\s\S]*)$/, (_m, lead: string, rest: string) =>
    lead + rest.split('\n').map((line) => `> ${line}`).join('\n'),
  );
  work = work.replace(PROTECTED_PART, (_m, i: string) => protectedParts[Number(i)] ?? '');
  return unescapeSlackText(work);
}

// ---------------------------------------------------------------------------------------------------------------
// Block Kit → text. The shapes are read defensively: a message is whatever Slack (or another app) sent.

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A composition text object: mrkdwn is converted, plain_text is literal. */
function renderTextObject(v: unknown, resolve: SlackNameResolver): string {
  if (typeof v === 'string') return slackMarkupToPlainText(v, resolve);
  if (!isObject(v)) return '';
  const text = str(v.text);
  return v.type === 'mrkdwn' ? slackMarkupToPlainText(text, resolve) : text;
}

function renderEmoji(el: Json): string {
  const unicode = str(el.unicode);
  if (/^[0-9a-f]{2,6}(-[0-9a-f]{2,6})*$/i.test(unicode)) {
    try {
      return String.fromCodePoint(...unicode.split('-').map((h) => parseInt(h, 16)));
    } catch {
      // fall through to the name
    }
  }
  return `:${str(el.name)}:`;
}

function renderRichInline(el: unknown, resolve: SlackNameResolver): string {
  if (!isObject(el)) return '';
  switch (el.type) {
    case 'text':
      return str(el.text);
    case 'link': {
      const url = str(el.url);
      const label = str(el.text);
      return !label || label === url ? url : `${label} (${url})`;
    }
    case 'user': {
      const id = str(el.user_id);
      return `@${resolve.userName?.(id) ?? id}`;
    }
    case 'channel': {
      const id = str(el.channel_id);
      return `#${resolve.channelName?.(id) ?? id}`;
    }
    case 'usergroup': {
      const id = str(el.usergroup_id);
      return withPrefix('@', resolve.userGroupName?.(id) ?? id);
    }
    case 'broadcast':
      return `@${str(el.range)}`;
    case 'emoji':
      return renderEmoji(el);
    case 'date': {
      const fallback = str(el.fallback);
      if (fallback) return fallback;
      const ts = typeof el.timestamp === 'number' ? el.timestamp : Number(el.timestamp);
      return Number.isFinite(ts) ? new Date(ts * 1000).toISOString().slice(0, 10) : '';
    }
    case 'color':
      return str(el.value);
    case 'team':
      return `@${str(el.team_id)}`;
    default:
      return str(el.text);
  }
}

function renderRichInlines(elements: unknown, resolve: SlackNameResolver): string {
  return list(elements)
    .map((el) => renderRichInline(el, resolve))
    .join('');
}

/** One element of a rich_text block; lists, quotes and code are whole lines. */
function renderRichElement(el: unknown, resolve: SlackNameResolver): { text: string; block: boolean } {
  if (!isObject(el)) return { text: '', block: false };
  switch (el.type) {
    case 'rich_text_section':
      return { text: renderRichInlines(el.elements, resolve), block: false };
    case 'rich_text_list': {
      const indent = '  '.repeat(typeof el.indent === 'number' ? el.indent : 0);
      const offset = typeof el.offset === 'number' ? el.offset : 0;
      const items = list(el.elements).map((item, i) => {
        const marker = el.style === 'ordered' ? `${offset + i + 1}. ` : '• ';
        const body = isObject(item) ? renderRichInlines(item.elements, resolve) : '';
        return `${indent}${marker}${body.replace(/\n+$/, '')}`;
      });
      return { text: items.join('\n'), block: true };
    }
    case 'rich_text_quote': {
      const body = renderRichInlines(el.elements, resolve).replace(/\n+$/, '');
      return { text: body.split('\n').map((line) => `> ${line}`).join('\n'), block: true };
    }
    case 'rich_text_preformatted':
      return { text: '```\n' + renderRichInlines(el.elements, resolve).replace(/\n+$/, '') + '\n```', block: true };
    default:
      return { text: '', block: false };
  }
}

function renderRichText(block: Json, resolve: SlackNameResolver): string {
  let out = '';
  for (const el of list(block.elements)) {
    const { text, block: isBlock } = renderRichElement(el, resolve);
    if (!text) continue;
    if (isBlock) {
      if (out && !out.endsWith('\n')) out += '\n';
      out += text + '\n';
    } else {
      out += text;
    }
  }
  return out.replace(/\n+$/, '');
}

function renderBlock(block: unknown, resolve: SlackNameResolver): string {
  if (!isObject(block)) return '';
  switch (block.type) {
    case 'rich_text':
      return renderRichText(block, resolve);
    case 'section': {
      const parts = [renderTextObject(block.text, resolve), ...list(block.fields).map((f) => renderTextObject(f, resolve))];
      return parts.filter((p) => p.trim()).join('\n');
    }
    case 'header':
      return renderTextObject(block.text, resolve);
    case 'markdown':
      return str(block.text);
    case 'context':
      return list(block.elements)
        .filter((el) => isObject(el) && (el.type === 'mrkdwn' || el.type === 'plain_text'))
        .map((el) => renderTextObject(el, resolve))
        .filter((t) => t.trim())
        .join(' ');
    default:
      return '';
  }
}

function renderBlocks(blocks: unknown, resolve: SlackNameResolver): string {
  return list(blocks)
    .map((b) => renderBlock(b, resolve))
    .filter((t) => t.trim())
    .join('\n');
}

function renderAttachment(att: unknown, resolve: SlackNameResolver): string {
  if (!isObject(att)) return '';
  const mrkdwn = (v: unknown) => slackMarkupToPlainText(str(v), resolve);
  const title = mrkdwn(att.title);
  const titleLink = str(att.title_link);
  const parts = [
    mrkdwn(att.pretext),
    str(att.author_name),
    title && titleLink ? `${title} (${titleLink})` : title,
    mrkdwn(att.text),
    ...list(att.fields).map((f) => {
      if (!isObject(f)) return '';
      const name = mrkdwn(f.title);
      const value = mrkdwn(f.value);
      return name && value ? `${name}: ${value}` : name || value;
    }),
    renderBlocks(att.blocks, resolve),
    mrkdwn(att.footer),
  ].filter((p) => p.trim());
  if (parts.length === 0) return mrkdwn(att.fallback);
  return parts.join('\n');
}

export interface SlackMessageLike {
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  files?: unknown[];
}

/**
 * A Slack message (as in a message shortcut payload) → readable plain text for a routine prompt, at most the
 * prompt's max length. Blocks win over `text` when they say anything, because for bot messages `text` is often only the
 * notification fallback, and for people's messages the rich_text blocks carry the same words with list structure.
 */
export function slackMessageToPlainText(message: SlackMessageLike, resolve: SlackNameResolver = {}): string {
  const fromBlocks = renderBlocks(message.blocks, resolve);
  const body = fromBlocks.trim() ? fromBlocks : slackMarkupToPlainText(str(message.text), resolve);
  const attachments = list(message.attachments).map((a) => renderAttachment(a, resolve));
  const files = list(message.files).map((f) => {
    const name = isObject(f) ? str(f.name) || str(f.title) : '';
    return name ? `[file: ${name}]` : '[file]';
  });
  const joined = [body, ...attachments, ...files]
    .filter((p) => p.trim())
    .join('\n\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return truncateForSlack(joined, FORM_MAX_LENGTH.prompt);
}
