import type { Category } from './categories.js';
import type { MaskingRule } from './masking-rules.js';
import type { ProcessorKind } from './processors.js';
import type { LawfulBasis, Purpose } from './purposes.js';
import type { RetentionClass } from './retention.js';

/** Everything declared about one personal field: the policy, as data. */
export interface PersonalFieldSpec {
  readonly category: Category;
  /** The only purposes it may be read or written for (C1.4). */
  readonly purposes: readonly Purpose[];
  readonly basis: LawfulBasis;
  readonly retention: RetentionClass;
  readonly mask: MaskingRule;
  /** Processor kinds that may receive it under an agreement (C3.4); empty means none. */
  readonly sharedWith: readonly ProcessorKind[];
  /** Has a blind index for exact-match lookup (such as login by email). */
  readonly searchable: boolean;
  /** The names the value goes by in API bodies; redacted from logs wherever they appear. */
  readonly aliases: readonly string[];
  /** What the field is, in words a customer would understand. */
  readonly description: string;
}

/** A declared personal field with its address: the table and column holding its ciphertext. */
export interface PersonalField extends PersonalFieldSpec {
  /** `table.column`. */
  readonly name: string;
  readonly table: string;
  readonly column: string;
}
