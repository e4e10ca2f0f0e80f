/**
 * The OpenAPI document the fake Omni serves at /api/openapi.json, shaped after each plausible variant of Omni's
 * routines API (open question Q2 in docs/omni-api.md): what the docs show (PUT with isActive), what the generated SDK
 * shows (PATCH, no isActive), and an instance from before Slack delivery. None of these is stated as the truth: the
 * fake runs whichever a test asks for, and the document it serves always matches what it does.
 */

export type FakeUpdateApi = 'put' | 'patch' | 'put-ignores-active';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ required: true, content: { 'application/json': { schema } } });

export function buildFakeOmniSpec(options: { updateApi: FakeUpdateApi; slackDestinations: boolean }): Record<string, unknown> {
  const destinations = options.slackDestinations ? [ref('RoutineEmailDestination'), ref('RoutineSlackDestination')] : [ref('RoutineEmailDestination')];
  const put = {
    summary: 'Update an AI routine',
    requestBody: json(ref('RoutineUpdateRequest')),
    responses: { '200': { description: 'OK' } },
  };
  const patch = {
    summary: 'Update an AI routine',
    requestBody: json(ref('RoutineUpdateBody')),
    responses: { '200': { description: 'OK' } },
  };
  const schemas: Record<string, unknown> = {
    RoutineEmailDestination: {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { type: 'string', enum: ['email'] },
        recipientEmails: { type: 'array', items: { type: 'string', format: 'email' }, maxItems: 100 },
        userGroupIds: { type: 'array', items: { type: 'string', format: 'uuid' }, maxItems: 100 },
      },
    },
    RoutineDestination: { oneOf: destinations, discriminator: { propertyName: 'type' } },
    RoutineCreateBody: {
      type: 'object',
      required: ['name', 'modelId', 'prompt', 'schedule', 'timezone', 'destination'],
      properties: {
        name: { type: 'string' },
        modelId: { type: 'string', format: 'uuid' },
        prompt: { type: 'string' },
        schedule: { type: 'string' },
        timezone: { type: 'string' },
        destination: ref('RoutineDestination'),
        branchId: { type: 'string', format: 'uuid', nullable: true },
        description: { type: 'string', nullable: true },
        topicName: { type: 'string', nullable: true },
      },
    },
  };
  if (options.slackDestinations) {
    schemas.RoutineSlackDestination = {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'recipientId', 'slackRecipientType'],
      properties: {
        type: { type: 'string', enum: ['slack'] },
        recipientId: { type: 'string', minLength: 1 },
        slackRecipientType: { type: 'string', enum: ['channel', 'users'] },
      },
    };
  }
  if (options.updateApi === 'patch') {
    schemas.RoutineUpdateBody = {
      type: 'object',
      properties: {
        name: { type: 'string' },
        prompt: { type: 'string' },
        schedule: { type: 'string' },
        timezone: { type: 'string' },
        description: { type: 'string', nullable: true },
        destination: ref('RoutineDestination'),
      },
    };
  } else {
    schemas.RoutineUpdateRequest = {
      type: 'object',
      required: ['name', 'prompt', 'schedule'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 255 },
        prompt: { type: 'string', minLength: 1 },
        schedule: { type: 'string' },
        description: { type: 'string', nullable: true },
        modelId: { type: 'string', format: 'uuid', nullable: true },
        isActive: { type: 'boolean', description: 'Whether the routine is active and will execute on schedule' },
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'Omni API (fake)', version: 'fake' },
    paths: {
      '/v1/ai/routines': {
        get: { summary: 'List AI routines', responses: { '200': { description: 'OK' } } },
        post: { summary: 'Create an AI routine', requestBody: json(ref('RoutineCreateBody')), responses: { '201': { description: 'Created' } } },
      },
      '/v1/ai/routines/{routineId}': {
        get: { summary: 'Get an AI routine', responses: { '200': { description: 'OK' } } },
        delete: { summary: 'Delete an AI routine', responses: { '200': { description: 'OK' } } },
        ...(options.updateApi === 'patch' ? { patch } : { put }),
      },
      '/v1/ai/routines/{routineId}/trigger': {
        post: { summary: 'Run AI routine now', responses: { '202': { description: 'Accepted' } } },
      },
    },
    components: { schemas },
  };
}
