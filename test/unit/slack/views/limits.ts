/**
 * Slack's Block Kit limits (docs/slack.md §5 and the Block Kit reference), checked on a built view or
 * message. Every problem found is collected and thrown at once, so one failing test names all of them.
 */
import type { View } from '@slack/types';

type Json = Record<string, unknown>;

const MAX_VIEW_BYTES = 250_000;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

class LimitChecker {
  readonly problems: string[] = [];

  fail(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }

  /** A text object: right type, not empty (Slack rejects empty text), within max. */
  checkText(path: string, value: unknown, max: number, kind: 'plain_text' | 'any' = 'any'): void {
    if (!isObject(value)) {
      this.fail(path, 'missing text object');
      return;
    }
    const type = value.type;
    if (type !== 'plain_text' && type !== 'mrkdwn') this.fail(path, `bad text type ${String(type)}`);
    if (kind === 'plain_text' && type !== 'plain_text') this.fail(path, 'must be plain_text');
    const text = value.text;
    if (typeof text !== 'string' || text.trim().length === 0) {
      this.fail(path, 'empty text');
      return;
    }
    if (text.length > max) this.fail(path, `text is ${text.length} chars, max ${max}`);
  }

  checkString(path: string, value: unknown, max: number, { required = false } = {}): void {
    if (value === undefined && !required) return;
    if (typeof value !== 'string') {
      this.fail(path, 'not a string');
      return;
    }
    if (value.length === 0) this.fail(path, 'empty string');
    if (value.length > max) this.fail(path, `is ${value.length} chars, max ${max}`);
  }

  checkOption(path: string, option: unknown, { allowUrl = false } = {}): void {
    if (!isObject(option)) {
      this.fail(path, 'not an option');
      return;
    }
    this.checkText(`${path}.text`, option.text, 75);
    this.checkString(`${path}.value`, option.value, 150, { required: true });
    if (option.description !== undefined) this.checkText(`${path}.description`, option.description, 75);
    if (option.url !== undefined && !allowUrl) this.fail(`${path}.url`, 'url is only allowed in overflow menus');
    this.checkString(`${path}.url`, option.url, 3000);
  }

  checkConfirm(path: string, confirm: unknown): void {
    if (confirm === undefined) return;
    if (!isObject(confirm)) {
      this.fail(path, 'not an object');
      return;
    }
    if (confirm.title !== undefined) this.checkText(`${path}.title`, confirm.title, 100, 'plain_text');
    this.checkText(`${path}.text`, confirm.text, 300);
    if (confirm.confirm !== undefined) this.checkText(`${path}.confirm`, confirm.confirm, 30, 'plain_text');
    if (confirm.deny !== undefined) this.checkText(`${path}.deny`, confirm.deny, 30, 'plain_text');
  }

  checkElement(path: string, element: unknown): void {
    if (!isObject(element)) {
      this.fail(path, 'not an element');
      return;
    }
    if (element.type !== 'image') this.checkString(`${path}.action_id`, element.action_id, 255);
    if (element.placeholder !== undefined) this.checkText(`${path}.placeholder`, element.placeholder, 150, 'plain_text');
    this.checkConfirm(`${path}.confirm`, element.confirm);
    switch (element.type) {
      case 'button':
        this.checkText(`${path}.text`, element.text, 75, 'plain_text');
        this.checkString(`${path}.value`, element.value, 2000);
        this.checkString(`${path}.url`, element.url, 3000);
        break;
      case 'plain_text_input': {
        const max = element.max_length;
        if (max !== undefined && (typeof max !== 'number' || max < 1 || max > 3000)) {
          this.fail(`${path}.max_length`, `must be 1-3000, got ${String(max)}`);
        }
        const initial = element.initial_value;
        if (initial !== undefined) {
          if (typeof initial !== 'string') this.fail(`${path}.initial_value`, 'not a string');
          else if (initial.length > (typeof max === 'number' ? max : 3000)) {
            this.fail(`${path}.initial_value`, `is ${initial.length} chars, longer than max_length`);
          }
        }
        break;
      }
      case 'static_select':
      case 'radio_buttons':
      case 'checkboxes': {
        const options = asArray(element.options);
        const max = element.type === 'static_select' ? 100 : 10;
        if (options.length === 0 || options.length > max) this.fail(`${path}.options`, `has ${options.length}, 1-${max}`);
        options.forEach((o, i) => this.checkOption(`${path}.options[${i}]`, o));
        if (element.initial_option !== undefined) {
          this.checkOption(`${path}.initial_option`, element.initial_option);
          // Slack rejects an initial option that is not exactly one of the options.
          const initial = JSON.stringify(element.initial_option);
          if (!options.some((o) => JSON.stringify(o) === initial)) {
            this.fail(`${path}.initial_option`, 'is not one of the options');
          }
        }
        break;
      }
      case 'overflow': {
        // 2 to 5 plain-text options; an option may be a link; no confirm per option (only on the whole menu).
        const options = asArray(element.options);
        if (options.length < 2 || options.length > 5) this.fail(`${path}.options`, `has ${options.length}, 2-5`);
        options.forEach((o, i) => {
          this.checkOption(`${path}.options[${i}]`, o, { allowUrl: true });
          if (isObject(o) && isObject(o.text) && o.text.type !== 'plain_text') this.fail(`${path}.options[${i}].text`, 'must be plain_text');
          if (isObject(o) && o.confirm !== undefined) this.fail(`${path}.options[${i}].confirm`, 'not allowed on an overflow option');
        });
        break;
      }
      case 'external_select':
        if (element.initial_option !== undefined) this.checkOption(`${path}.initial_option`, element.initial_option);
        if (element.min_query_length !== undefined && typeof element.min_query_length !== 'number') {
          this.fail(`${path}.min_query_length`, 'not a number');
        }
        break;
      case 'multi_users_select': {
        const max = element.max_selected_items;
        if (max !== undefined && (typeof max !== 'number' || max < 1)) this.fail(`${path}.max_selected_items`, 'must be ≥1');
        const initial = element.initial_users;
        if (initial !== undefined) {
          if (!Array.isArray(initial) || initial.length === 0) this.fail(`${path}.initial_users`, 'empty');
          else if (typeof max === 'number' && initial.length > max) this.fail(`${path}.initial_users`, 'more than max');
        }
        break;
      }
      case 'conversations_select':
        this.checkString(`${path}.initial_conversation`, element.initial_conversation, 255);
        break;
      case 'image':
        this.checkString(`${path}.image_url`, element.image_url, 3000, { required: true });
        this.checkString(`${path}.alt_text`, element.alt_text, 2000, { required: true });
        break;
      default:
        break;
    }
  }

  checkBlock(path: string, block: unknown, surface: 'modal' | 'home' | 'message'): void {
    if (!isObject(block)) {
      this.fail(path, 'not a block');
      return;
    }
    this.checkString(`${path}.block_id`, block.block_id, 255);
    switch (block.type) {
      case 'section': {
        if (block.text === undefined && block.fields === undefined) this.fail(path, 'section needs text or fields');
        if (block.text !== undefined) this.checkText(`${path}.text`, block.text, 3000);
        const fields = asArray(block.fields);
        if (fields.length > 10) this.fail(`${path}.fields`, `has ${fields.length}, max 10`);
        fields.forEach((f, i) => this.checkText(`${path}.fields[${i}]`, f, 2000));
        if (block.accessory !== undefined) this.checkElement(`${path}.accessory`, block.accessory);
        break;
      }
      case 'header':
        this.checkText(`${path}.text`, block.text, 150, 'plain_text');
        break;
      case 'context': {
        const elements = asArray(block.elements);
        if (elements.length === 0 || elements.length > 10) this.fail(`${path}.elements`, `has ${elements.length}, 1-10`);
        elements.forEach((e, i) => {
          if (isObject(e) && e.type === 'image') this.checkElement(`${path}.elements[${i}]`, e);
          else this.checkText(`${path}.elements[${i}]`, e, 3000);
        });
        break;
      }
      case 'actions': {
        const elements = asArray(block.elements);
        if (elements.length === 0 || elements.length > 25) this.fail(`${path}.elements`, `has ${elements.length}, 1-25`);
        elements.forEach((e, i) => this.checkElement(`${path}.elements[${i}]`, e));
        const ids = elements.map((e) => (isObject(e) ? e.action_id : undefined)).filter((id) => id !== undefined);
        if (new Set(ids).size !== ids.length) this.fail(`${path}.elements`, 'action_ids not unique within the block');
        break;
      }
      case 'input':
        if (surface === 'message') this.fail(path, 'input blocks are not allowed in messages');
        this.checkText(`${path}.label`, block.label, 2000, 'plain_text');
        if (block.hint !== undefined) this.checkText(`${path}.hint`, block.hint, 2000, 'plain_text');
        this.checkElement(`${path}.element`, block.element);
        break;
      case 'divider':
        break;
      default:
        this.fail(path, `unexpected block type ${String(block.type)}`);
    }
  }

  checkBlocks(path: string, blocks: unknown, max: number, surface: 'modal' | 'home' | 'message'): void {
    const list = asArray(blocks);
    if (list.length > max) this.fail(path, `has ${list.length} blocks, max ${max}`);
    list.forEach((b, i) => this.checkBlock(`${path}[${i}]`, b, surface));
    const blockIds = list.map((b) => (isObject(b) ? b.block_id : undefined)).filter((id) => id !== undefined);
    const seen = new Set<unknown>();
    for (const id of blockIds) {
      if (seen.has(id)) this.fail(path, `duplicate block_id ${String(id)}`);
      seen.add(id);
    }
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw new Error(`Slack limits broken:\n  ${this.problems.join('\n  ')}`);
  }
}

/** Throws, naming every broken limit, when a modal or Home view would be rejected by Slack. */
export function assertWithinSlackLimits(view: View): void {
  const checker = new LimitChecker();
  const raw = view as unknown as Json;
  checker.checkBlocks('blocks', raw.blocks, 100, view.type === 'home' ? 'home' : 'modal');
  checker.checkString('private_metadata', raw.private_metadata, 3000);
  checker.checkString('callback_id', raw.callback_id, 255);
  checker.checkString('external_id', raw.external_id, 255);
  if (view.type === 'modal') {
    checker.checkText('title', raw.title, 24, 'plain_text');
    if (raw.close !== undefined) checker.checkText('close', raw.close, 24, 'plain_text');
    if (raw.submit !== undefined) checker.checkText('submit', raw.submit, 24, 'plain_text');
    const hasInput = asArray(raw.blocks).some((b) => isObject(b) && b.type === 'input');
    if (hasInput && raw.submit === undefined) checker.fail('submit', 'required when the view has input blocks');
  }
  const bytes = Buffer.byteLength(JSON.stringify(view), 'utf8');
  if (bytes > MAX_VIEW_BYTES) checker.fail('view', `is ${bytes} bytes, max ${MAX_VIEW_BYTES}`);
  checker.throwIfAny();
}

/** The same for a message (chat.postMessage / postEphemeral): ≤50 blocks, a fallback text, no inputs. */
export function assertMessageWithinSlackLimits(message: { text: string; blocks: unknown[] }): void {
  const checker = new LimitChecker();
  checker.checkString('text', message.text, 40_000, { required: true });
  checker.checkBlocks('blocks', message.blocks, 50, 'message');
  checker.throwIfAny();
}
