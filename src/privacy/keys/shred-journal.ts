import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';

const SUBJECT_ID = /^[a-z]{2,4}_[0-9a-z]{10,40}$/;

/**
 * The ids of every erased subject, kept beside the keyring and apart from the database
 * (DESIGN: a restored backup must not resurrect an erased customer). Appended and synced
 * before the erasure commits; re-applied at every start.
 */
export class ShredJournal {
  constructor(readonly path: string) {}

  /** Records an erasure durably. */
  append(subjectId: string): void {
    if (!SUBJECT_ID.test(subjectId)) throw new Error('Not a subject id');
    const fd = openSync(this.path, 'a', 0o600);
    try {
      writeSync(fd, `${subjectId}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Every recorded subject id; a torn last line (a crash mid-append) is ignored. */
  read(): string[] {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return [];
      throw error;
    }
    return [...new Set(text.split('\n').filter((line) => SUBJECT_ID.test(line)))];
  }
}
