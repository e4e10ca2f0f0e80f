/**
 * zod schemas of everything that crosses the Omni boundary (docs/omni-api.md; the § numbers below are its
 * sections). Request schemas are strict, so a wrong body fails here rather than as a 400; response schemas accept
 * extra keys, so a new field on Omni's side does not break the bot.
 */
import * as z from 'zod';

// ---- requests -------------------------------------------------------------------------------------------------

/** §2.2 email destination; `additionalProperties: false`, ≤100 of each. */
export const RoutineEmailDestinationSchema = z.strictObject({
  type: z.literal('email'),
  recipientEmails: z.array(z.email()).max(100).optional(),
  userGroupIds: z.array(z.guid()).max(100).optional(),
});

/** §2.2 Slack destination: exactly one channel or user. */
export const RoutineSlackDestinationSchema = z.strictObject({
  type: z.literal('slack'),
  recipientId: z.string().min(1),
  slackRecipientType: z.enum(['channel', 'users']),
});

export const RoutineDestinationSchema = z.discriminatedUnion('type', [
  RoutineEmailDestinationSchema,
  RoutineSlackDestinationSchema,
]);

/** §2.1 create body. `name` ≤255 follows the update schema, the only documented limit. */
export const RoutineCreateBodySchema = z.strictObject({
  name: z.string().min(1).max(255),
  modelId: z.guid(),
  prompt: z.string().min(1),
  schedule: z.string().min(1),
  timezone: z.string().min(1),
  destination: RoutineDestinationSchema,
  branchId: z.guid().nullable().optional(),
  description: z.string().nullable().optional(),
  topicName: z.string().nullable().optional(),
});
export type RoutineCreateBody = z.input<typeof RoutineCreateBodySchema>;

/**
 * §2.4 update. The docs document PUT (name, prompt, schedule required; description, modelId, isActive optional);
 * the SDK documents PATCH (all optional: name, prompt, schedule, timezone, description, destination). Which one an
 * instance has is read from its own spec (src/omni/instance-api.ts); this is the union of every field either
 * names, strict, so nothing else is ever sent. Which fields a body may hold is the use case's business.
 */
export const RoutineUpdateBodySchema = z.strictObject({
  name: z.string().min(1).max(255).optional(),
  prompt: z.string().min(1).optional(),
  schedule: z.string().min(1).optional(),
  timezone: z.string().min(1).optional(),
  description: z.string().nullable().optional(),
  destination: RoutineDestinationSchema.optional(),
  modelId: z.guid().optional(),
  branchId: z.guid().nullable().optional(),
  topicName: z.string().nullable().optional(),
  isActive: z.boolean().optional(),
});
export type RoutineUpdateBody = z.input<typeof RoutineUpdateBodySchema>;

// ---- responses ------------------------------------------------------------------------------------------------

/*
 * Reading is tolerant (issue 9): a field that is null or of a shape the docs do not describe falls back to a neutral
 * value, an unknown destination type or Slack recipient type is kept as "other", and a record that cannot be read at
 * all (no id) is dropped from its page instead of failing the page. One odd routine must never hide the others.
 */
/** The field read with `schema`, or `fallback` when it is missing, null or of another shape. */
const orElse = <T, F>(schema: z.ZodType<T>, fallback: F) =>
  schema
    .nullable()
    .optional()
    .catch(null)
    .transform((v): T | F => v ?? fallback);
const text = orElse(z.string(), '');
const nullableText = orElse(z.string(), null);
const flag = orElse(z.boolean(), false);
const stringList = orElse(z.array(z.unknown()), [] as unknown[]).transform((v) => v.filter((x): x is string => typeof x === 'string'));

const EmailDestinationResponse = z.object({
  type: z.literal('email'),
  recipientEmails: stringList,
  userGroupIds: stringList,
});
const SlackDestinationResponse = z.object({
  type: z.literal('slack'),
  recipientId: z.string(),
  slackRecipientType: z.enum(['channel', 'users']),
});
/** A destination the bot cannot describe (a new type, or a Slack recipient type it does not know). */
export interface OtherDestination {
  type: 'other';
  /** Omni's `type` value, for display ("other"). */
  omniType: string;
}
export type RoutineDestinationRecord = z.output<typeof EmailDestinationResponse> | z.output<typeof SlackDestinationResponse> | OtherDestination;

const DestinationResponse = z.unknown().transform((value): RoutineDestinationRecord => {
  const email = EmailDestinationResponse.safeParse(value);
  if (email.success) return email.data;
  const slack = SlackDestinationResponse.safeParse(value);
  if (slack.success) return slack.data;
  const rawType = (value as { type?: unknown } | null)?.type;
  return { type: 'other', omniType: typeof rawType === 'string' ? rawType.slice(0, 40) : 'unknown' };
});

const LastRunSchema = z.looseObject({
  completedAt: nullableText,
  label: text,
  state: text,
});

/** §2.3 Routine (get, list records, update response). Only `id` is required; see the note above. */
export const RoutineSchema = z.object({
  id: z.string().min(1),
  name: text,
  prompt: text,
  schedule: text,
  timezone: text,
  modelId: text,
  branchId: nullableText,
  topicName: nullableText,
  description: nullableText,
  destination: DestinationResponse,
  disabled: flag,
  systemDisabled: flag,
  systemDisabledReason: nullableText,
  recipientCount: z.number().int().optional().catch(undefined),
  lastRun: LastRunSchema.nullable().optional().catch(null).transform((v) => v ?? null),
  createdAt: text,
  updatedAt: text,
});
export type Routine = z.output<typeof RoutineSchema>;

/** `totalRecords` is documented as required but is not needed to page: a page without it still reads. */
export const PageInfoSchema = z.object({
  hasNextPage: z.boolean().nullable().optional().catch(null).transform((v) => v ?? undefined),
  nextCursor: nullableText,
  pageSize: z.number().int().optional().catch(undefined),
  totalRecords: z.number().int().optional().catch(undefined),
});
export type PageInfo = z.output<typeof PageInfoSchema>;

/** Whether a page says another follows: `hasNextPage`, or when Omni left it out, a cursor to follow. */
export function hasMorePages(info: PageInfo): boolean {
  return info.hasNextPage ?? info.nextCursor !== null;
}

/** A list page: each record read on its own; `skipped` counts records without even an id. */
export const RoutineListSchema = z
  .object({ pageInfo: PageInfoSchema.catch({ hasNextPage: false, nextCursor: null, pageSize: undefined, totalRecords: undefined }), records: z.array(z.unknown()) })
  .transform(({ pageInfo, records }) => {
    const read: Routine[] = [];
    let skipped = 0;
    for (const record of records) {
      const parsed = RoutineSchema.safeParse(record);
      if (parsed.success) read.push(parsed.data);
      else skipped += 1;
    }
    return { pageInfo, records: read, skipped };
  });
export type RoutinePage = z.output<typeof RoutineListSchema>;

export const CreatedSchema = z.object({ id: z.string().min(1) });
export const DeletedSchema = z.object({ deleted: z.boolean(), id: z.string() });
export const TriggeredSchema = z.object({ id: z.string().min(1) });

/** The instance's own OpenAPI document (any JSON object; src/omni/instance-api.ts reads what it needs). */
export const ApiSpecSchema = z.record(z.string(), z.unknown());

/** §5 whoami. */
export const WhoamiSchema = z.object({
  keyScope: z.enum(['user', 'organization']),
  orgRole: z.string(),
  user: z.object({ id: z.string(), membershipId: z.string() }),
  rolesByModel: z.record(z.string(), z.unknown()).default({}),
  rolesByModelTruncated: z.boolean().optional(),
});
export type Whoami = z.output<typeof WhoamiSchema>;

/** §3.1 Model. */
export const ModelSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  modelKind: z.string().nullable(),
  connectionId: z.string().nullable().default(null),
  baseModelId: z.string().nullable().default(null),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  deletedAt: z.string().nullable().default(null),
});
export type OmniModel = z.output<typeof ModelSchema>;

export const ModelListSchema = z.object({ pageInfo: PageInfoSchema, records: z.array(ModelSchema) });

/** §3.3 topics list. */
export const TopicSchema = z.object({
  name: z.string(),
  base_view_name: z.string().optional(),
  label: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  group_label: z.string().nullable().optional(),
  hidden: z.boolean().optional(),
});
export const TopicListSchema = z.object({ success: z.boolean().optional(), topics: z.array(TopicSchema) });

/** A topic as the bot uses it: hidden ones are flagged so pickers can leave them out. */
export interface OmniTopic {
  name: string;
  label: string | undefined;
  description: string | undefined;
  hidden: boolean;
}

/** §4.2 SCIM user and ListResponse. */
export const ScimUserSchema = z.object({
  id: z.string(),
  userName: z.string(),
  displayName: z.string().nullable().optional(),
  active: z.boolean().default(true),
  emails: z.array(z.object({ value: z.string(), primary: z.boolean().optional() })).default([]),
});
export const ScimUserListSchema = z.object({
  Resources: z.array(ScimUserSchema).default([]),
  totalResults: z.number().int().optional(),
  startIndex: z.number().int().optional(),
  itemsPerPage: z.number().int().optional(),
});

export interface OmniUser {
  /** The membership id, the value `?userId=` takes (§4.1). */
  id: string;
  userName: string;
  active: boolean;
  displayName?: string;
  emails: string[];
}

/** §4.3 SCIM group; `id` is a short miniUuid, not a UUID (open question Q1). */
export const ScimGroupSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  members: z.array(z.object({ value: z.string(), display: z.string().optional() })).default([]),
});
export const ScimGroupListSchema = z.object({
  Resources: z.array(ScimGroupSchema).default([]),
  totalResults: z.number().int().optional(),
  startIndex: z.number().int().optional(),
  itemsPerPage: z.number().int().optional(),
});
export type OmniGroup = z.output<typeof ScimGroupSchema>;

/**
 * Omni's ids of routines, models and memberships: UUID-shaped (8-4-4-4-12 hex, either case). `z.guid()`, not
 * `z.uuid()`: the shape is all the bot relies on, not an RFC 4122 version.
 */
export const OmniIdSchema = z.guid();
export const isOmniId = (value: string): boolean => OmniIdSchema.safeParse(value).success;
