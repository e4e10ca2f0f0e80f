/**
 * The Block Kit rules the fake Slack enforces, written from Slack's reference pages (summarised in docs/slack.md §5):
 * a view or a message that breaks one is refused exactly as Slack refuses it, with `[ERROR] … [json-pointer:…]`
 * lines in `response_metadata.messages`, so a builder that would fail in a real workspace fails in our tests too.
 * Limits are in UTF-16 code units (what JS `length` counts); Slack counts characters, so this is never laxer.
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where a block sits: modals and home tabs take input blocks; messages take a few blocks views do not. */
export type Surface = 'modal' | 'home' | 'message';

export const LIMITS = {
  viewBytes: 250_000,
  blocksPerView: 100,
  blocksPerMessage: 50,
  title: 24,
  submit: 24,
  close: 24,
  privateMetadata: 3000,
  callbackId: 255,
  externalId: 255,
  blockId: 255,
  actionId: 255,
  sectionText: 3000,
  sectionField: 2000,
  sectionFields: 10,
  headerText: 150,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  plainTextInputLength: 3000,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  selectOptions: 100,
  radioOptions: 10,
  checkboxOptions: 10,
  overflowOptions: 5,
  overflowMinOptions: 2,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  contextElements: 10,
  actionsElements: 25,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  messageText: 40_000,
} as const;

class Problems {
  readonly messages: string[] = [];
  add(pointer: string, message: string): void {
    this.messages.push(`[ERROR] ${message} [json-pointer:${pointer}]`);
  }
}

function checkLength(p: Problems, pointer: string, value: string, max: number, min = 1): void {
  if (value.length < min) p.add(pointer, `must be more than ${min - 1} characters`);
  if (value.length > max) p.add(pointer, `must be less than ${max + 1} characters`);
}

function checkOptionalString(p: Problems, v: Json, key: string, pointer: string, max: number): void {
  if (v[key] === undefined) return;
  if (typeof v[key] !== 'string') p.add(`${pointer}/${key}`, 'must be a string');
  else checkLength(p, `${pointer}/${key}`, v[key], max, 0);
}

function checkBoolean(p: Problems, v: Json, key: string, pointer: string): void {
  if (v[key] !== undefined && typeof v[key] !== 'boolean') p.add(`${pointer}/${key}`, 'must be a boolean');
}

/** A composition text object: `{type:'plain_text', text, emoji?}` or `{type:'mrkdwn', text, verbatim?}`. */
function checkText(
  p: Problems,
  v: unknown,
  pointer: string,
  opts: { max: number; plainOnly?: boolean; required?: boolean },
): void {
  if (v === undefined || v === null) {
    if (opts.required) p.add(pointer.replace(/\/[^/]+$/, ''), `missing required field: ${pointer.split('/').pop() ?? ''}`);
    return;
  }
  if (!isObject(v)) {
    p.add(pointer, 'must provide an object');
    return;
  }
  const allowed = opts.plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
  if (typeof v.type !== 'string' || !allowed.includes(v.type)) {
    p.add(`${pointer}/type`, 'must be a valid enum value');
    return;
  }
  if (typeof v.text !== 'string') {
    p.add(pointer, 'missing required field: text');
    return;
  }
  checkLength(p, `${pointer}/text`, v.text, opts.max);
  const extra = v.type === 'plain_text' ? 'emoji' : 'verbatim';
  for (const key of Object.keys(v)) {
    if (key !== 'type' && key !== 'text' && key !== extra) p.add(`${pointer}/${key}`, `unsupported field for ${v.type}`);
  }
  checkBoolean(p, v, extra, pointer);
}

function checkOption(p: Problems, v: unknown, pointer: string, opts: { plainOnly: boolean; allowUrl?: boolean }): void {
  if (!isObject(v)) {
    p.add(pointer, 'must provide an object');
    return;
  }
  checkText(p, v.text, `${pointer}/text`, { max: LIMITS.optionText, plainOnly: opts.plainOnly, required: true });
  if (typeof v.value !== 'string') p.add(pointer, 'missing required field: value');
  else checkLength(p, `${pointer}/value`, v.value, LIMITS.optionValue);
  if (v.description !== undefined) checkText(p, v.description, `${pointer}/description`, { max: LIMITS.optionDescription, plainOnly: opts.plainOnly });
  if (v.url !== undefined && !opts.allowUrl) p.add(`${pointer}/url`, 'url is only allowed in overflow menus');
  checkOptionalString(p, v, 'url', pointer, LIMITS.url);
}

function checkOptions(
  p: Problems,
  list: unknown,
  pointer: string,
  opts: { max: number; min?: number; plainOnly: boolean; allowUrl?: boolean },
): Json[] {
  if (!Array.isArray(list)) {
    p.add(pointer, 'must provide an array');
    return [];
  }
  if (list.length < (opts.min ?? 1)) p.add(pointer, `must provide at least ${opts.min ?? 1} items`);
  if (list.length > opts.max) p.add(pointer, `must provide no more than ${opts.max} items`);
  list.forEach((o, i) => checkOption(p, o, `${pointer}/${i}`, opts));
  return list.filter(isObject);
}

function checkConfirm(p: Problems, v: unknown, pointer: string): void {
  if (v === undefined) return;
  if (!isObject(v)) {
    p.add(pointer, 'must provide an object');
    return;
  }
  checkText(p, v.title, `${pointer}/title`, { max: LIMITS.confirmTitle, plainOnly: true, required: true });
  checkText(p, v.text, `${pointer}/text`, { max: LIMITS.confirmText, required: true });
  checkText(p, v.confirm, `${pointer}/confirm`, { max: LIMITS.confirmButton, plainOnly: true, required: true });
  checkText(p, v.deny, `${pointer}/deny`, { max: LIMITS.confirmButton, plainOnly: true, required: true });
  if (v.style !== undefined && v.style !== 'primary' && v.style !== 'danger') p.add(`${pointer}/style`, 'must be a valid enum value');
}

const INPUT_ELEMENTS = new Set([
  'plain_text_input',
  'email_text_input',
  'url_text_input',
  'number_input',
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
  'checkboxes',
  'radio_buttons',
  'datepicker',
  'timepicker',
  'datetimepicker',
  'rich_text_input',
  'file_input',
]);
const ACCESSORY_ELEMENTS = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'image',
  'overflow',
  'radio_buttons',
  'timepicker',
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
]);
const ACTIONS_ELEMENTS = new Set([...ACCESSORY_ELEMENTS, 'datetimepicker', 'workflow_button', 'rich_text_input']);
ACTIONS_ELEMENTS.delete('image');

function checkElement(p: Problems, el: unknown, pointer: string, allowed: Set<string>, actionIds: Set<string>): void {
  if (!isObject(el)) {
    p.add(pointer, 'must provide an object');
    return;
  }
  const type = typeof el.type === 'string' ? el.type : '';
  if (!allowed.has(type)) {
    p.add(pointer, type ? `element type ${type} is not allowed here` : 'missing required field: type');
    return;
  }
  if (el.action_id !== undefined) {
    if (typeof el.action_id !== 'string') p.add(`${pointer}/action_id`, 'must be a string');
    else {
      checkLength(p, `${pointer}/action_id`, el.action_id, LIMITS.actionId);
      if (actionIds.has(el.action_id)) p.add(`${pointer}/action_id`, `action_id ${el.action_id} is already used in this block`);
      actionIds.add(el.action_id);
    }
  }
  if (el.placeholder !== undefined) checkText(p, el.placeholder, `${pointer}/placeholder`, { max: LIMITS.placeholder, plainOnly: true });
  checkConfirm(p, el.confirm, `${pointer}/confirm`);
  checkBoolean(p, el, 'focus_on_load', pointer);
  const isMulti = type.startsWith('multi_');
  if (isMulti && el.max_selected_items !== undefined && !(Number.isInteger(el.max_selected_items) && (el.max_selected_items as number) >= 1)) {
    p.add(`${pointer}/max_selected_items`, 'must be an integer of at least 1');
  }
  if (isMulti && typeof el.max_selected_items === 'number') {
    for (const key of ['initial_options', 'initial_users', 'initial_conversations', 'initial_channels']) {
      const initial = el[key];
      if (Array.isArray(initial) && initial.length > el.max_selected_items) p.add(`${pointer}/${key}`, `must provide no more than ${el.max_selected_items} items`);
    }
  }
  switch (type) {
    case 'plain_text_input': {
      const max = el.max_length;
      const min = el.min_length;
      if (max !== undefined && !(Number.isInteger(max) && (max as number) >= 1 && (max as number) <= LIMITS.plainTextInputLength)) {
        p.add(`${pointer}/max_length`, `must be an integer from 1 to ${LIMITS.plainTextInputLength}`);
      }
      if (min !== undefined && !(Number.isInteger(min) && (min as number) >= 0 && (min as number) <= LIMITS.plainTextInputLength)) {
        p.add(`${pointer}/min_length`, `must be an integer from 0 to ${LIMITS.plainTextInputLength}`);
      }
      if (typeof max === 'number' && typeof min === 'number' && min > max) p.add(`${pointer}/min_length`, 'must not exceed max_length');
      checkOptionalString(p, el, 'initial_value', pointer, typeof max === 'number' ? max : LIMITS.plainTextInputLength);
      checkBoolean(p, el, 'multiline', pointer);
      const dac = el.dispatch_action_config;
      if (dac !== undefined) {
        const triggers = isObject(dac) ? dac.trigger_actions_on : undefined;
        if (!Array.isArray(triggers) || triggers.some((t) => t !== 'on_enter_pressed' && t !== 'on_character_entered')) {
          p.add(`${pointer}/dispatch_action_config/trigger_actions_on`, 'must be an array of on_enter_pressed | on_character_entered');
        }
      }
      break;
    }
    case 'email_text_input':
    case 'url_text_input':
      checkOptionalString(p, el, 'initial_value', pointer, LIMITS.plainTextInputLength);
      break;
    case 'number_input':
      if (typeof el.is_decimal_allowed !== 'boolean') p.add(pointer, 'missing required field: is_decimal_allowed');
      break;
    case 'static_select':
    case 'multi_static_select': {
      const hasOptions = el.options !== undefined;
      const hasGroups = el.option_groups !== undefined;
      if (hasOptions === hasGroups) p.add(pointer, 'must provide exactly one of options or option_groups');
      let options: Json[] = [];
      if (hasOptions) options = checkOptions(p, el.options, `${pointer}/options`, { max: LIMITS.selectOptions, plainOnly: true });
      if (hasGroups) {
        if (!Array.isArray(el.option_groups) || el.option_groups.length > LIMITS.selectOptions) {
          p.add(`${pointer}/option_groups`, `must provide an array of no more than ${LIMITS.selectOptions} items`);
        } else {
          el.option_groups.forEach((g: unknown, i: number) => {
            const gp = `${pointer}/option_groups/${i}`;
            if (!isObject(g)) return p.add(gp, 'must provide an object');
            checkText(p, g.label, `${gp}/label`, { max: LIMITS.optionText, plainOnly: true, required: true });
            options.push(...checkOptions(p, g.options, `${gp}/options`, { max: LIMITS.selectOptions, plainOnly: true }));
          });
        }
      }
      const initial = type === 'static_select' ? (el.initial_option === undefined ? [] : [el.initial_option]) : el.initial_options;
      if (initial !== undefined && !Array.isArray(initial)) p.add(`${pointer}/initial_options`, 'must provide an array');
      if (Array.isArray(initial)) {
        initial.forEach((o: unknown, i: number) => {
          const ip = type === 'static_select' ? `${pointer}/initial_option` : `${pointer}/initial_options/${i}`;
          checkOption(p, o, ip, { plainOnly: true });
          const match = isObject(o) && options.some((opt) => opt.value === o.value && isObject(opt.text) && isObject(o.text) && opt.text.text === o.text.text);
          if (!match) p.add(ip, 'must match one of the provided options');
        });
      }
      break;
    }
    case 'external_select':
    case 'multi_external_select':
      if (el.min_query_length !== undefined && !(Number.isInteger(el.min_query_length) && (el.min_query_length as number) >= 0)) {
        p.add(`${pointer}/min_query_length`, 'must be a non-negative integer');
      }
      if (el.initial_option !== undefined) checkOption(p, el.initial_option, `${pointer}/initial_option`, { plainOnly: true });
      if (Array.isArray(el.initial_options)) {
        el.initial_options.forEach((o: unknown, i: number) => checkOption(p, o, `${pointer}/initial_options/${i}`, { plainOnly: true }));
      }
      break;
    case 'radio_buttons':
    case 'checkboxes': {
      const max = type === 'radio_buttons' ? LIMITS.radioOptions : LIMITS.checkboxOptions;
      const options = checkOptions(p, el.options, `${pointer}/options`, { max, plainOnly: false });
      const initial = type === 'radio_buttons' ? (el.initial_option === undefined ? [] : [el.initial_option]) : (el.initial_options ?? []);
      if (Array.isArray(initial)) {
        initial.forEach((o: unknown, i: number) => {
          const ip = type === 'radio_buttons' ? `${pointer}/initial_option` : `${pointer}/initial_options/${i}`;
          const match = isObject(o) && options.some((opt) => opt.value === o.value);
          if (!match) p.add(ip, 'must match one of the provided options');
        });
      }
      break;
    }
    case 'overflow':
      // Slack's overflow menu: 2 to 5 plain-text options, each of which may be a link (`url`); no per-option confirm.
      checkOptions(p, el.options, `${pointer}/options`, { max: LIMITS.overflowOptions, min: LIMITS.overflowMinOptions, plainOnly: true, allowUrl: true });
      if (Array.isArray(el.options)) {
        el.options.forEach((o: unknown, i: number) => {
          if (isObject(o) && o.confirm !== undefined) p.add(`${pointer}/options/${i}/confirm`, 'unsupported field for option');
        });
      }
      break;
    case 'button':
      checkText(p, el.text, `${pointer}/text`, { max: LIMITS.buttonText, plainOnly: true, required: true });
      checkOptionalString(p, el, 'value', pointer, LIMITS.buttonValue);
      checkOptionalString(p, el, 'url', pointer, LIMITS.url);
      checkOptionalString(p, el, 'accessibility_label', pointer, LIMITS.buttonText);
      if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') p.add(`${pointer}/style`, 'must be a valid enum value');
      break;
    case 'datepicker':
      if (el.initial_date !== undefined && !(typeof el.initial_date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(el.initial_date))) {
        p.add(`${pointer}/initial_date`, 'must be a date in the YYYY-MM-DD format');
      }
      break;
    case 'timepicker':
      if (el.initial_time !== undefined && !(typeof el.initial_time === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(el.initial_time))) {
        p.add(`${pointer}/initial_time`, 'must be a time in the HH:mm format');
      }
      break;
    case 'image':
      if (typeof el.image_url !== 'string' && !isObject(el.slack_file)) p.add(pointer, 'missing required field: image_url');
      if (typeof el.alt_text !== 'string') p.add(pointer, 'missing required field: alt_text');
      break;
    default:
      break;
  }
}

function checkBlock(p: Problems, block: unknown, pointer: string, surface: Surface, blockIds: Set<string>): void {
  if (!isObject(block)) {
    p.add(pointer, 'must provide an object');
    return;
  }
  if (block.block_id !== undefined) {
    if (typeof block.block_id !== 'string') p.add(`${pointer}/block_id`, 'must be a string');
    else {
      checkLength(p, `${pointer}/block_id`, block.block_id, LIMITS.blockId);
      if (blockIds.has(block.block_id)) p.add(`${pointer}/block_id`, `duplicate block_id ${block.block_id}`);
      blockIds.add(block.block_id);
    }
  }
  const actionIds = new Set<string>();
  switch (block.type) {
    case 'section':
      if (block.text === undefined && block.fields === undefined) p.add(pointer, 'must provide text or fields');
      if (block.text !== undefined) checkText(p, block.text, `${pointer}/text`, { max: LIMITS.sectionText });
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length > LIMITS.sectionFields) {
          p.add(`${pointer}/fields`, `must provide an array of no more than ${LIMITS.sectionFields} items`);
        } else {
          block.fields.forEach((f: unknown, i: number) => checkText(p, f, `${pointer}/fields/${i}`, { max: LIMITS.sectionField }));
        }
      }
      if (block.accessory !== undefined) checkElement(p, block.accessory, `${pointer}/accessory`, ACCESSORY_ELEMENTS, actionIds);
      break;
    case 'header':
      checkText(p, block.text, `${pointer}/text`, { max: LIMITS.headerText, plainOnly: true, required: true });
      break;
    case 'divider':
      break;
    case 'context':
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > LIMITS.contextElements) {
        p.add(`${pointer}/elements`, `must provide an array of 1 to ${LIMITS.contextElements} items`);
        break;
      }
      block.elements.forEach((el: unknown, i: number) => {
        if (isObject(el) && el.type === 'image') checkElement(p, el, `${pointer}/elements/${i}`, new Set(['image']), actionIds);
        else checkText(p, el, `${pointer}/elements/${i}`, { max: LIMITS.sectionText });
      });
      break;
    case 'actions':
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > LIMITS.actionsElements) {
        p.add(`${pointer}/elements`, `must provide an array of 1 to ${LIMITS.actionsElements} items`);
        break;
      }
      block.elements.forEach((el: unknown, i: number) => checkElement(p, el, `${pointer}/elements/${i}`, ACTIONS_ELEMENTS, actionIds));
      break;
    case 'input':
      // Stricter than Slack: the bot's forms are modals and it sends no input in a message, so one there is a mistake.
      if (surface === 'message') p.add(pointer, 'input blocks are not allowed in messages');
      checkText(p, block.label, `${pointer}/label`, { max: LIMITS.inputLabel, plainOnly: true, required: true });
      if (block.hint !== undefined) checkText(p, block.hint, `${pointer}/hint`, { max: LIMITS.inputHint, plainOnly: true });
      checkBoolean(p, block, 'optional', pointer);
      checkBoolean(p, block, 'dispatch_action', pointer);
      if (block.element === undefined) p.add(pointer, 'missing required field: element');
      else checkElement(p, block.element, `${pointer}/element`, INPUT_ELEMENTS, actionIds);
      break;
    case 'image':
      if (typeof block.image_url !== 'string' && !isObject(block.slack_file)) p.add(pointer, 'missing required field: image_url');
      if (typeof block.alt_text !== 'string') p.add(pointer, 'missing required field: alt_text');
      if (block.title !== undefined) checkText(p, block.title, `${pointer}/title`, { max: 2000, plainOnly: true });
      break;
    case 'rich_text':
      if (!Array.isArray(block.elements)) p.add(`${pointer}/elements`, 'must provide an array');
      break;
    case 'markdown':
    case 'file':
    case 'video':
      if (surface !== 'message') p.add(pointer, `block type ${block.type} is only allowed in messages`);
      break;
    default:
      p.add(pointer, 'failed to match all allowed schemas');
  }
}

/** Problems with a list of message blocks (chat.postMessage / chat.update / response_url), as Slack words them. */
export function findBlocksProblems(blocks: unknown, pointer = '/blocks'): string[] {
  const p = new Problems();
  if (!Array.isArray(blocks)) {
    p.add(pointer, 'must provide an array');
    return p.messages;
  }
  if (blocks.length > LIMITS.blocksPerMessage) p.add(pointer, `must provide no more than ${LIMITS.blocksPerMessage} items`);
  const ids = new Set<string>();
  blocks.forEach((b, i) => checkBlock(p, b, `${pointer}/${i}`, 'message', ids));
  return p.messages;
}

/** Problems with a view (views.open / push / update / publish); `expected` is the type the method takes. */
export function findViewProblems(view: unknown, expected: 'modal' | 'home' | 'modal_or_home'): string[] {
  const p = new Problems();
  const root = '/view';
  if (!isObject(view)) {
    p.add(root, 'must provide an object');
    return p.messages;
  }
  const okType = expected === 'modal_or_home' ? view.type === 'modal' || view.type === 'home' : view.type === expected;
  if (!okType) {
    p.add(`${root}/type`, 'must be a valid enum value');
    return p.messages;
  }
  const surface: Surface = view.type === 'home' ? 'home' : 'modal';
  if (surface === 'modal') {
    checkText(p, view.title, `${root}/title`, { max: LIMITS.title, plainOnly: true, required: true });
    if (view.close !== undefined) checkText(p, view.close, `${root}/close`, { max: LIMITS.close, plainOnly: true });
    if (view.submit !== undefined) checkText(p, view.submit, `${root}/submit`, { max: LIMITS.submit, plainOnly: true });
  } else if (view.title !== undefined) {
    checkText(p, view.title, `${root}/title`, { max: LIMITS.title, plainOnly: true });
  }
  checkOptionalString(p, view, 'private_metadata', root, LIMITS.privateMetadata);
  checkOptionalString(p, view, 'callback_id', root, LIMITS.callbackId);
  checkOptionalString(p, view, 'external_id', root, LIMITS.externalId);
  checkBoolean(p, view, 'clear_on_close', root);
  checkBoolean(p, view, 'notify_on_close', root);
  checkBoolean(p, view, 'submit_disabled', root);
  if (!Array.isArray(view.blocks)) {
    p.add(root, 'missing required field: blocks');
    return p.messages;
  }
  if (view.blocks.length > LIMITS.blocksPerView) p.add(`${root}/blocks`, `must provide no more than ${LIMITS.blocksPerView} items`);
  const ids = new Set<string>();
  view.blocks.forEach((b, i) => checkBlock(p, b, `${root}/blocks/${i}`, surface, ids));
  const hasInput = view.blocks.some((b) => isObject(b) && b.type === 'input');
  if (surface === 'modal' && hasInput && view.submit === undefined) {
    p.add(`${root}/submit`, 'submit is required when a view has input blocks');
  }
  return p.messages;
}

/**
 * For unit tests of the builders: throws, naming every problem, when Slack would refuse this modal or Home view
 * (the same rules the fake Slack applies to views.open / update / push / publish, and the 250 kB size).
 */
export function assertWithinSlackLimits(view: unknown): void {
  const problems = findViewProblems(view, 'modal_or_home');
  const bytes = Buffer.byteLength(JSON.stringify(view), 'utf8');
  if (bytes > LIMITS.viewBytes) problems.push(`[ERROR] view is ${bytes} bytes, max ${LIMITS.viewBytes} (view_too_large)`);
  throwIfAny(problems);
}

/** The same for a message: its blocks as chat.postMessage takes them, and always a notification text. */
export function assertMessageWithinSlackLimits(message: { text: string; blocks: unknown[] }): void {
  const problems = findBlocksProblems(message.blocks);
  // Slack accepts blocks without `text`, but notifications and screen readers then show nothing: the bot always sets it.
  if (message.text.trim() === '') problems.push('[ERROR] a message needs a notification text [json-pointer:/text]');
  if (message.text.length > LIMITS.messageText) problems.push(`[ERROR] must be less than ${LIMITS.messageText + 1} characters [json-pointer:/text]`);
  throwIfAny(problems);
}

function throwIfAny(problems: string[]): void {
  if (problems.length > 0) throw new Error(`Slack limits broken:\n  ${problems.join('\n  ')}`);
}
