/**
 * view.state.values → RoutineForm. Slack sends only the inputs present in the view; anything missing or of an
 * unexpected shape reads as empty, never throws (the view state of a submission can be forged). Lengths are the
 * submit check's business (the form's schema): text is kept up to a bound far above any field's limit, so an
 * over-long value is refused with the field's own words rather than cut; only the schedule, which the modal caps
 * and a typed sentence never exceeds, is cut to its max length.
 */
import { DELIVERY_KINDS, type DeliveryKind, FORM_MAX_LENGTH, type RoutineForm } from '../routines/form.js';
import { ACTION_ID, INPUT_BLOCK_ID } from './ids.js';

type StateValue = {
  value?: string | null;
  selected_option?: { value?: string; text?: { text?: string } } | null;
  selected_conversation?: string | null;
  selected_users?: string[] | null;
};
export type ViewStateValues = Record<string, Record<string, StateValue | undefined> | undefined>;

/** Bounds of what a forged view state can make the bot carry: far above the form's limits. */
const MAX_READ_TEXT = 10_000;
const MAX_READ_USERS = 1000;

const str = (v: unknown, max = MAX_READ_TEXT): string => (typeof v === 'string' ? v.slice(0, max) : '');

function field(values: ViewStateValues, key: keyof typeof INPUT_BLOCK_ID): StateValue | undefined {
  return values[INPUT_BLOCK_ID[key]]?.[ACTION_ID[key]];
}

export function readRoutineForm(values: ViewStateValues | undefined, fallback: Partial<RoutineForm> = {}): RoutineForm {
  const v = values ?? {};
  const model = field(v, 'model')?.selected_option;
  const topic = field(v, 'topic')?.selected_option;
  const branch = field(v, 'branch')?.selected_option;
  const deliveryRaw = str(field(v, 'delivery')?.selected_option?.value);
  const delivery = (DELIVERY_KINDS as readonly string[]).includes(deliveryRaw) ? (deliveryRaw as DeliveryKind) : (fallback.delivery ?? 'dm');
  const users = field(v, 'recipients')?.selected_users;
  const channel = str(field(v, 'channel')?.selected_conversation) || fallback.channelId;
  const form: RoutineForm = {
    name: str(field(v, 'name')?.value),
    prompt: str(field(v, 'prompt')?.value),
    schedule: str(field(v, 'schedule')?.value, FORM_MAX_LENGTH.schedule),
    timezone: str(field(v, 'timezone')?.selected_option?.value) || (fallback.timezone ?? ''),
    modelId: str(model?.value) || (fallback.modelId ?? ''),
    delivery,
    recipientUserIds: Array.isArray(users) ? users.filter((u): u is string => typeof u === 'string').slice(0, MAX_READ_USERS) : [],
    emails: str(field(v, 'emails')?.value),
    description: str(field(v, 'description')?.value),
  };
  const modelName = str(model?.text?.text) || (form.modelId === fallback.modelId ? fallback.modelName : undefined);
  if (modelName) form.modelName = modelName;
  const topicName = str(topic?.value);
  if (topicName) form.topicName = topicName;
  const branchId = str(branch?.value);
  if (branchId) {
    form.branchId = branchId;
    const branchName = str(branch?.text?.text);
    if (branchName) form.branchName = branchName;
  }
  if (channel) form.channelId = channel;
  return form;
}
