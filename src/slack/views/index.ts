/** The pure Block Kit builders of the Slack app (no client, no I/O). */
export { buildHelpMessage } from './help.js';
export { buildHomeView, HOME_PAGE_SIZE, MAX_VIEW_BLOCKS, readHomePage, type HomeDraft, type HomeViewInput } from './home.js';
export {
  buildCreatedHeadline,
  buildCreatedMessage,
  buildCreatedView,
  buildCreatingView,
  buildDraftDiscardedView,
  buildFailureView,
  buildRoutineDeletedView,
  isUnconfirmedFailure,
} from './results.js';
export { buildTextMessage, buildUnknownCommandMessage, type SlackMessage } from './replies.js';
export {
  buildLastRunText,
  buildRoutineBlockId,
  buildCardMenu,
  buildRoutineBlocks,
  buildStatusText,
  cardMenuValue,
  readCardMenuValue,
  type RoutineBlocksContext,
  buildDeliveryText,
} from './routine-blocks.js';
export { buildEmptyStateBlocks, buildRoutineListMessage, MAX_MESSAGE_BLOCKS, QUICK_CREATE_EXAMPLES } from './routine-list.js';
export {
  buildAudienceText,
  buildRoutineModal,
  buildSchedulePreviewBlocks,
  buildSchedulePreviewText,
  holdsMoreOptions,
  zoneInWords,
  MODAL_SOURCES,
  readModalMetadata,
  SCHEDULE_EXAMPLES,
  writeModalMetadata,
  type ModalMetadata,
  type ModalSource,
  type RoutineModalInput,
} from './routine-modal.js';
export { buildOption, buildTimezoneLabel, buildTimezoneOptions, MAX_OPTIONS } from './timezone-options.js';
