/**
 * zod schemas of everything that crosses the Omni boundary (docs/omni-api.md; the § numbers below are its
 * sections). Request schemas are strict, so a wrong body fails here rather than as a 400; response schemas accept
 * extra keys, so a new field on Omni's side does not break the bot.
 */
import { z } from 'zod';

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

/** §2.4 [SDK] PATCH: every field optional; `destination` replaces the whole destination; null clears description. */
export const RoutineUpdatePatchSchema = z.strictObject({
  name: z.string().min(1).max(255).optional(),
  prompt: z.string().min(1).optional(),
  schedule: z.string().min(1).optional(),
  timezone: z.string().min(1).optional(),
  description: z.string().nullable().optional(),
  destination: RoutineDestinationSchema.optional(),
});
export type RoutineUpdatePatch = z.input<typeof RoutineUpdatePatchSchema>;

// ---- responses ------------------------------------------------------------------------------------------------

const EmailDestinationResponse = z.object({
  type: z.literal('email'),
  recipientEmails: z.array(z.string()).default([]),
  userGroupIds: z.array(z.string()).default([]),
});
const SlackDestinationResponse = z.object({
  type: z.literal('slack'),
  recipientId: z.string(),
  slackRecipientType: z.enum(['channel', 'users']),
});

const LastRunSchema = z.looseObject({
  completedAt: z.string().nullable().default(null),
  label: z.string(),
  state: z.string(),
});

/** §2.3 Routine (get, list records, update response). */
export const RoutineSchema = z.object({
  id: z.string(),
  name: z.string(),
  prompt: z.string(),
  schedule: z.string(),
  timezone: z.string(),
  modelId: z.string(),
  branchId: z.string().nullable().default(null),
  topicName: z.string().nullable().default(null),
  description: z.string().nullable().default(null),
  destination: z.discriminatedUnion('type', [EmailDestinationResponse, SlackDestinationResponse]),
  disabled: z.boolean(),
  systemDisabled: z.boolean().default(false),
  systemDisabledReason: z.string().nullable().default(null),
  recipientCount: z.number().int().optional(),
  lastRun: LastRunSchema.nullable().default(null),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Routine = z.output<typeof RoutineSchema>;

export const PageInfoSchema = z.object({
  hasNextPage: z.boolean(),
  nextCursor: z.string().nullable().default(null),
  pageSize: z.number().int(),
  totalRecords: z.number().int(),
});
export type PageInfo = z.output<typeof PageInfoSchema>;

export const RoutineListSchema = z.object({ pageInfo: PageInfoSchema, records: z.array(RoutineSchema) });
export type RoutinePage = z.output<typeof RoutineListSchema>;

export const CreatedSchema = z.object({ id: z.string().min(1) });
export const DeletedSchema = z.object({ deleted: z.boolean(), id: z.string() });
export const TriggeredSchema = z.object({ id: z.string().min(1) });

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
