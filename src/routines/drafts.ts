/**
 * Drafts: a submitted form kept in the store from before Omni is called until Omni confirmed, so a failure or a
 * crash loses nothing (Try again, the Home tab's drafts). An edit's draft also says which routine and which base it
 * was made against. The store keeps the form as JSON; it is written typed and read back through the form's schema,
 * so a draft saved by an older version reads as far as it can instead of being trusted as it is.
 */
import * as z from 'zod';
import type { EditBase } from './edit.js';
import { type RoutineForm, readStoredForm } from './form.js';
import type { RoutinesStorePort } from './ports.js';

/** An edit kept as a draft: which routine, and its fields' fingerprints as the form was opened. */
export interface EditDraftInfo {
  routineId: string;
  base: EditBase;
}

/** What a draft holds, as stored: the form, and for an edit `edit` beside its fields. */
export type StoredDraftForm = RoutineForm & { edit?: EditDraftInfo };

const editDraftSchema = z.object({
  routineId: z.string(),
  base: z.object({
    updatedAt: z.string(),
    // Fingerprints that are not text cannot match anything: dropped, so that field reads as changed.
    fields: z
      .record(z.string(), z.unknown())
      .transform((fields) => Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => typeof e[1] === 'string'))),
  }),
});

export function toStoredDraft(form: RoutineForm, edit?: EditDraftInfo): StoredDraftForm {
  return edit ? { ...form, edit } : form;
}

/** A stored draft's form → the form and, for an edit, its routine and base. Never throws. */
export function readStoredDraft(raw: unknown): { form: RoutineForm; edit?: EditDraftInfo } {
  const { edit: rawEdit, ...fields } = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const edit = editDraftSchema.safeParse(rawEdit);
  return { form: readStoredForm(fields), ...(edit.success ? { edit: edit.data } : {}) };
}

export interface DraftView {
  form: RoutineForm;
  lastError?: string;
  edit?: EditDraftInfo;
}

export function createDraftUseCases(deps: { store: Pick<RoutinesStorePort, 'getDraft' | 'deleteDraft' | 'listDrafts'> }) {
  const { store } = deps;

  /** A draft of this user: its form, why it failed, and for an edit which routine and base it was made against. */
  async function getDraftForm(slackUserId: string, draftId: string): Promise<DraftView | null> {
    const draft = await store.getDraft(draftId);
    if (!draft || draft.slackUserId !== slackUserId) return null;
    return { ...readStoredDraft(draft.form), ...(draft.lastError ? { lastError: draft.lastError } : {}) };
  }

  async function discardDraft(slackUserId: string, draftId: string): Promise<boolean> {
    const draft = await store.getDraft(draftId);
    if (!draft || draft.slackUserId !== slackUserId) return false;
    await store.deleteDraft(draftId);
    return true;
  }

  async function listOpenDrafts(slackUserId: string): Promise<Array<{ id: string; name: string; lastError?: string }>> {
    const drafts = await store.listDrafts(slackUserId);
    // A draft still 'pending' here was interrupted (the process stopped mid-create): offer it like a failed one.
    return drafts.map((d) => {
      const { form, edit } = readStoredDraft(d.form);
      return {
        id: d.id,
        name: `${edit ? 'Changes to ' : ''}${form.name || 'Untitled routine'}`,
        lastError: d.lastError ?? "Interrupted before Omni confirmed it. Try again: the bot checks Omni first, so it won't be created twice.",
      };
    });
  }

  return { getDraftForm, discardDraft, listOpenDrafts };
}
