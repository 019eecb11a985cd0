import type { ProcessorKind } from './processors.js';
import { PERSONAL_FIELDS, type PersonalFieldName } from './personal-fields.js';

/**
 * The names of the personal fields the inventory lets one kind of processor receive,
 * as a type: a processor payload typed with it cannot gain a field the inventory does
 * not share with that processor (C3.5).
 */
export type FieldSharedWith<K extends ProcessorKind> = {
  [N in PersonalFieldName]: K extends (typeof PERSONAL_FIELDS)[N]['sharedWith'][number] ? N : never;
}[PersonalFieldName];

/** The personal fields one kind of processor may receive under its agreement, in inventory order. */
export function fieldsSharedWith<K extends ProcessorKind>(kind: K): readonly FieldSharedWith<K>[] {
  return Object.freeze(
    (Object.keys(PERSONAL_FIELDS) as PersonalFieldName[]).filter(
      (name): name is FieldSharedWith<K> =>
        (PERSONAL_FIELDS[name].sharedWith as readonly ProcessorKind[]).includes(kind),
    ),
  );
}
