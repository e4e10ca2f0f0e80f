import { describe, expect, it } from '@jest/globals';
import { createInstanceApiReader, DOCUMENTED_API, readInstanceApi } from '../../../src/omni/instance-api.js';
import { createLogger } from '../../../src/log.js';
import { buildFakeOmniSpec } from '../../fakes/fake-omni-spec.js';

const at = new Date('2026-12-02T10:00:00Z');
const quiet = createLogger({ level: 'error', sink: () => {} });

describe('readInstanceApi', () => {
  it('reads each variant the fake serves', () => {
    expect(readInstanceApi(buildFakeOmniSpec({ updateApi: 'put', slackDestinations: true }), at)).toMatchObject({
      source: 'instance',
      edit: { method: 'PUT', required: ['name', 'prompt', 'schedule'] },
      pause: { method: 'PUT' },
      destinations: ['email', 'slack'],
    });
    const patch = readInstanceApi(buildFakeOmniSpec({ updateApi: 'patch', slackDestinations: false }), at);
    expect(patch).toMatchObject({ edit: { method: 'PATCH', required: [] }, pause: null, destinations: ['email'] });
    expect(patch.edit?.fields).toEqual(['name', 'prompt', 'schedule', 'timezone', 'description', 'destination']);
  });

  it('prefers PATCH for edits when both exist, and pauses with whichever carries isActive; reads allOf, const and mappings', () => {
    const spec = {
      paths: {
        '/api/v1/ai/routines': {
          post: { requestBody: { content: { 'application/json': { schema: { properties: { destination: { $ref: '#/components/schemas/D' } } } } } } },
        },
        '/api/v1/ai/routines/{id}': {
          patch: { requestBody: { content: { 'application/json': { schema: { properties: { prompt: {} } } } } } },
          put: {
            requestBody: {
              content: { 'application/json': { schema: { allOf: [{ properties: { name: {} }, required: ['name'] }, { properties: { isActive: {} } }] } } },
            },
          },
        },
      },
      components: { schemas: { D: { oneOf: [{ properties: { type: { const: 'email' } } }, { properties: { type: { type: 'string' } } }], discriminator: { mapping: { teams: '#/x' } } } } },
    };
    const api = readInstanceApi(spec, at);
    expect(api.edit).toEqual({ method: 'PATCH', fields: ['prompt'], required: [] });
    expect(api.pause).toEqual({ method: 'PUT', fields: ['name', 'isActive'], required: ['name'] });
    expect(api.destinations).toEqual(['email']);
  });

  it('refuses what is not an OpenAPI document about routines', () => {
    expect(() => readInstanceApi('<html>', at)).toThrow(/not an OpenAPI document/);
    expect(() => readInstanceApi({ paths: { '/v1/models': {} } }, at)).toThrow(/does not describe \/v1\/ai\/routines/);
  });
});

describe('createInstanceApiReader', () => {
  it('answers the documented API until read, keeps the last good read when a refresh fails', async () => {
    let serve: unknown = buildFakeOmniSpec({ updateApi: 'patch', slackDestinations: true });
    const reader = createInstanceApiReader({ readSpec: async () => serve, clock: () => at, logger: quiet });
    expect(reader.current()).toMatchObject({ source: 'documented', edit: DOCUMENTED_API.edit, note: 'not read yet' });
    await reader.refresh();
    expect(reader.current()).toMatchObject({ source: 'instance', pause: null });
    serve = 'broken';
    await reader.refresh();
    expect(reader.current()).toMatchObject({ source: 'instance', pause: null });
  });

  it('falls back to the documented API, with the reason, when the first read fails', async () => {
    const reader = createInstanceApiReader({ readSpec: async () => Promise.reject(new Error('Omni answered 404')), clock: () => at, logger: quiet });
    await reader.refresh();
    expect(reader.current()).toMatchObject({ source: 'documented', note: expect.stringContaining('Omni answered 404') });
  });
});
