/**
 * The Slack ids contract (docs/slack.md §6). These strings are what Slack sends back to us: the command and
 * shortcut callback ids must match manifest.yml, and block_id/action_id pairs key `view.state.values`. Renaming
 * any of them breaks installed apps, open modals and saved drafts, so treat every value here as public and stable.
 * test/unit/slack/manifest.test.ts checks that manifest.yml agrees with this file.
 */

/** The slash command, exactly as registered in manifest.yml (Bolt matches `command.command` exactly). */
export const SLASH_COMMAND = '/routine';

/** Shortcut callback ids (manifest.yml `features.shortcuts[].callback_id`). */
export const SHORTCUT_ID = {
  /** Message shortcut: "Create routine from message" (payload type `message_action`). */
  fromMessage: 'routine_from_message',
  /** Global shortcut: "New routine" (payload type `shortcut`, no channel, no response_url). */
  newRoutine: 'routine_new',
} as const;

/** View callback ids. */
export const CALLBACK_ID = {
  /** The routine modal: create (and "Try again", which reopens it filled). */
  routineModal: 'routine_create',
  /** The same modal, same blocks, editing an existing routine (filled from a fresh GET). */
  routineEdit: 'routine_edit',
  /** The App Home tab (views.publish). */
  home: 'routine_home',
} as const;

/**
 * Input block ids of the routine modal, in the order the modal shows them. Each is also the key the submit handler
 * uses for `response_action: 'errors'`, so an error lands under the field it is about.
 */
export const INPUT_BLOCK_ID = {
  name: 'name',
  prompt: 'prompt',
  schedule: 'schedule',
  timezone: 'timezone',
  model: 'model',
  topic: 'topic',
  branch: 'branch',
  delivery: 'delivery',
  channel: 'channel',
  recipients: 'recipients',
  emails: 'emails',
  description: 'description',
} as const;
export type InputBlockId = (typeof INPUT_BLOCK_ID)[keyof typeof INPUT_BLOCK_ID];
export const INPUT_BLOCK_IDS: readonly InputBlockId[] = Object.values(INPUT_BLOCK_ID);

/** Non-input blocks of the modal that listeners address (the live schedule preview sits under the schedule input). */
export const BLOCK_ID = {
  schedulePreview: 'schedule_preview',
  /** Status line of a submitted modal ("Creating…", the result, or the failure). */
  status: 'status',
  /** The actions block holding the "More options" button (gone once pressed). */
  moreOptions: 'more_options',
} as const;

/**
 * Element action ids. Inside the modal each input block holds exactly one element, with the action id below; keeping
 * block_id + action_id unchanged across views.update is what preserves what the user typed.
 */
export const ACTION_ID = {
  // Modal inputs (value readers use INPUT_BLOCK_ID[x] + ACTION_ID[x]).
  name: 'name_input',
  prompt: 'prompt_input',
  /** plain_text_input with dispatch_action (on enter pressed): block_actions → live schedule preview. */
  schedule: 'schedule_input',
  /** external_select over IANA zones (block_suggestion answered from memory, never Omni). */
  timezone: 'timezone_select',
  /** external_select over Omni's shared models (from the cache); dispatches to refresh topics. */
  model: 'model_select',
  /** external_select over the chosen model's topics. */
  topic: 'topic_select',
  /** external_select over the chosen model's branches. */
  branch: 'branch_select',
  /** radio_buttons with DELIVERY_KIND values; dispatches so the view shows the matching fields. */
  delivery: 'delivery_radio',
  /** conversations_select (public/private channels). */
  channel: 'channel_select',
  /** multi_users_select; each user becomes an email recipient. */
  recipients: 'recipients_select',
  emails: 'emails_input',
  description: 'description_input',
  /** Button under the short form: shows Name, Topic, Branch and Description (views.update, nothing typed is lost). */
  moreOptions: 'routine_more_options',

  // Buttons on messages, ephemeral replies and the App Home. `value` carries the routine id (or draft id).
  runNow: 'routine_run_now',
  pause: 'routine_pause',
  resume: 'routine_resume',
  /**
   * Deletes. Cards show it only after the user chose Delete in the card's menu (the press is the confirmation);
   * older cards carry it with a Block Kit `confirm` dialog, so a click there also arrives only after confirming.
   */
  delete: 'routine_delete',
  /** "Keep it" beside the delete confirmation: puts the card back as it was, changing nothing. */
  keepRoutine: 'routine_delete_keep',
  /**
   * The card's overflow menu (⋯): Edit, Pause/Resume, Open in Omni, Delete. Each option's `value` is
   * `<choice>:<routine id>` with a CARD_MENU_CHOICE; Open in Omni also has a `url` (Slack opens it and still sends
   * the selection, which is only acknowledged). Delete from the menu asks first and deletes nothing itself.
   */
  cardMenu: 'routine_card_menu',
  /** Opens the routine modal in edit mode, filled from Omni. */
  edit: 'routine_edit',
  /**
   * A link button to the routine in Omni's web app, on older cards (today's cards have it in the menu). Slack still
   * sends the click; it is only acknowledged.
   */
  openInOmni: 'routine_open_in_omni',
  /** After a conflicting edit: reopen the form with the user's changes over Omni's current routine. */
  reapplyEdit: 'routine_edit_reapply',
  /** "Try again" after a failed create: reopens the modal filled from the saved draft. */
  retry: 'routine_retry',
  /** Drops a failed draft. */
  discard: 'routine_discard',
  /** App Home / help: "New routine" opens the empty modal. */
  openModal: 'routine_open_modal',
  /** App Home: reload the list. */
  refreshHome: 'routine_refresh_home',
  /** App Home: the previous / next page of routines; `value` is the page to show (0-based). */
  homePrevious: 'routine_home_previous',
  homeNext: 'routine_home_next',

  // The card answering a sentence (a DM or a mention); `value` carries the card id (store: sentence_cards).
  /** Creates the routine the card shows (only its author's press counts). */
  sentenceCreate: 'routine_sentence_create',
  /** Opens the routine modal filled with what the card shows. */
  sentenceEdit: 'routine_sentence_edit',
  /** Replaces a schedule Omni can't run with the alternative the card offers. */
  sentenceUseAlternative: 'routine_sentence_use_alternative',
  sentenceCancel: 'routine_sentence_cancel',
} as const;
export type ActionId = (typeof ACTION_ID)[keyof typeof ACTION_ID];

/** What an option of the card menu (ACTION_ID.cardMenu) asks for: the part of its value before the colon. */
/** (Resume is never in the menu: on a paused routine it is the card's one button.) */
export const CARD_MENU_CHOICE = { edit: 'edit', pause: 'pause', open: 'open', delete: 'delete' } as const;
export type CardMenuChoice = (typeof CARD_MENU_CHOICE)[keyof typeof CARD_MENU_CHOICE];

/** Values of the delivery radio buttons (same words as the domain's DeliveryKind). */
export const DELIVERY_KIND = { channel: 'channel', dm: 'dm', email: 'email' } as const;
