import { readFileSync } from 'node:fs';

// src/identity/passwords/*.ts and dist/identity/passwords/*.js sit at the same depth, so
// one relative URL finds the shipped list from both.
const LIST_URL = new URL('../../../assets/common-passwords.txt', import.meta.url);

let common: ReadonlySet<string> | undefined;

/** The form a password is compared in: NFC, then lower case, so 'PassWord' matches 'password'. */
export function commonPasswordKey(password: string): string {
  return password.normalize('NFC').toLowerCase();
}

// Read on first use rather than at import: a process that never checks a password (a CLI
// command, a worker) does not pay for 10,000 strings.
function commonPasswords(): ReadonlySet<string> {
  if (common === undefined) {
    const lines = readFileSync(LIST_URL, 'utf8').split(/\r?\n/);
    common = new Set(lines.filter((line) => line !== '').map(commonPasswordKey));
  }
  return common;
}

/** True when the password is on the shipped list of the 10,000 most common passwords. */
export function isCommonPassword(password: string): boolean {
  return commonPasswords().has(commonPasswordKey(password));
}

/** How many distinct entries the list holds after case folding. */
export function commonPasswordCount(): number {
  return commonPasswords().size;
}
