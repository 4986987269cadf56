/** The phases of a sync of the team's history, in the words the CLI's progress bar and the window's progress line use. */
export const SYNC_PHASE_WORDS = {
  sending: 'sending tag changes',
  collections: 'reading collections',
  listing: 'listing jobs',
  importing: 'importing',
  changes: 'reading tag changes',
  deletions: 'checking for deletions',
  images: 'downloading images',
} as const;

export type SyncPhase = keyof typeof SYNC_PHASE_WORDS;
