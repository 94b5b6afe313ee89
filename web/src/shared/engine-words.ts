/**
 * The few notes the engine itself writes into a case, in English (an item cancelled with its case,
 * skipped by its condition): shown in the reader's language. Anything else — an officer's reason, a
 * refusal's words — is shown as it was written.
 */
import type { TFunction } from 'i18next';

const ENGINE_NOTES: Record<string, string> = {
  'cancelled by the case': 'engineNote.cancelledByCase',
  'the case was withdrawn': 'engineNote.caseWithdrawn',
  'the case was rejected': 'engineNote.caseRejected',
  'condition not met by the application': 'engineNote.conditionNotMet',
};

export function engineNote(t: TFunction, text: string): string {
  const key = ENGINE_NOTES[text];
  return key ? t(key) : text;
}
