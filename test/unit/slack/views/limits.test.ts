// The limits helper guards every other test here, so it must itself catch what Slack would refuse.
import { describe, expect, it } from '@jest/globals';
import type { HomeView, ModalView } from '@slack/types';
import { assertMessageWithinSlackLimits, assertWithinSlackLimits } from '../../../fakes/slack-view-rules.js';

const okModal: ModalView = {
  type: 'modal',
  title: { type: 'plain_text', text: 'New routine' },
  submit: { type: 'plain_text', text: 'Create' },
  blocks: [
    {
      type: 'input',
      block_id: 'name',
      label: { type: 'plain_text', text: 'Name' },
      element: { type: 'plain_text_input', action_id: 'name_input', max_length: 255 },
    },
  ],
};

describe('assertWithinSlackLimits', () => {
  it('accepts a valid modal', () => {
    expect(() => assertWithinSlackLimits(okModal)).not.toThrow();
  });

  it.each<[string, ModalView]>([
    ['a long title', { ...okModal, title: { type: 'plain_text', text: 'x'.repeat(25) } }],
    ['inputs without submit', { ...okModal, submit: undefined }],
    ['long private_metadata', { ...okModal, private_metadata: 'x'.repeat(3001) }],
    ['101 blocks', { ...okModal, blocks: Array.from({ length: 101 }, () => ({ type: 'divider' as const })) }],
    [
      'a duplicate block_id',
      { ...okModal, blocks: [{ type: 'divider', block_id: 'a' }, { type: 'divider', block_id: 'a' }] },
    ],
    ['a 3001-char section', { ...okModal, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }] }],
    ['an empty section text', { ...okModal, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '' } }] }],
    [
      'a 76-char option',
      {
        ...okModal,
        blocks: [
          {
            type: 'input',
            label: { type: 'plain_text', text: 'Zone' },
            element: {
              type: 'external_select',
              action_id: 'z',
              initial_option: { text: { type: 'plain_text', text: 'x'.repeat(76) }, value: 'v' },
            },
          },
        ],
      },
    ],
    [
      'an initial value longer than max_length',
      {
        ...okModal,
        blocks: [
          {
            type: 'input',
            label: { type: 'plain_text', text: 'Name' },
            element: { type: 'plain_text_input', action_id: 'n', max_length: 5, initial_value: 'toolong' },
          },
        ],
      },
    ],
    [
      'a radio initial option that is not one of the options',
      {
        ...okModal,
        blocks: [
          {
            type: 'input',
            label: { type: 'plain_text', text: 'Delivery' },
            element: {
              type: 'radio_buttons',
              action_id: 'r',
              options: [{ text: { type: 'plain_text', text: 'A' }, value: 'a' }],
              initial_option: { text: { type: 'plain_text', text: 'B' }, value: 'b' },
            },
          },
        ],
      },
    ],
    [
      'a long confirm text',
      {
        ...okModal,
        blocks: [
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                action_id: 'd',
                text: { type: 'plain_text', text: 'Delete' },
                confirm: { text: { type: 'plain_text', text: 'x'.repeat(301) } },
              },
            ],
          },
        ],
      },
    ],
  ])('rejects %s', (_name, view) => {
    expect(() => assertWithinSlackLimits(view)).toThrow(/Slack limits broken/);
  });

  it('checks a Home view without modal-only rules', () => {
    const home: HomeView = { type: 'home', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'Your routines' } }] };
    expect(() => assertWithinSlackLimits(home)).not.toThrow();
  });
});

describe('assertMessageWithinSlackLimits', () => {
  it('rejects 51 blocks, an input block and an empty text', () => {
    expect(() => assertMessageWithinSlackLimits({ text: 'x', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) })).toThrow();
    expect(() =>
      assertMessageWithinSlackLimits({
        text: 'x',
        blocks: [{ type: 'input', label: { type: 'plain_text', text: 'a' }, element: { type: 'plain_text_input', action_id: 'a' } }],
      }),
    ).toThrow(/not allowed in messages/);
    expect(() => assertMessageWithinSlackLimits({ text: '', blocks: [] })).toThrow();
    expect(() => assertMessageWithinSlackLimits({ text: 'ok', blocks: [{ type: 'divider' }] })).not.toThrow();
  });
});
