import type { EntityManager } from 'typeorm';

/** An entity class (the key TypeORM knows its table and relations by). */
export type EntityClass<T = object> = abstract new (...args: never[]) => T;

/** The properties of `T` that can be `@ManyToOne` relations (checked against the metadata at start). */
export type RelationKey<T> = {
  [K in keyof T]-?: NonNullable<T[K]> extends Date | readonly unknown[] | string | number | boolean
    ? never
    : NonNullable<T[K]> extends object
      ? K
      : never;
}[keyof T] &
  string;

/** Rows of `child` are soft-deleted with the row their `relation` points to, and restored with it. */
export interface CascadeLink {
  child: EntityClass;
  relation: string;
}

export function cascadeTo<C extends object>(child: EntityClass<C>, relation: RelationKey<C>): CascadeLink {
  return { child, relation };
}

/** Work on the ids being soft-deleted, in the deleting transaction. */
export type SoftDeleteHook = (manager: EntityManager, ids: number[]) => Promise<unknown>;

/** What soft-deleting rows of one entity does besides setting their `deleted_*` columns. */
export interface SoftDeleteRule {
  entity: EntityClass;
  /** The rows deleted along (and their children, transitively), in this order. */
  cascade?: readonly CascadeLink[];
  /** Before a direct delete of these ids (not a cascaded one), e.g. locks taken in a fixed order. */
  beforeDelete?: SoftDeleteHook;
  /** After rows are deleted, directly or by a cascade, with the ids actually deleted. */
  afterDelete?: SoftDeleteHook;
}

export function softDeleteRule<T extends object>(
  entity: EntityClass<T>,
  rule: Omit<SoftDeleteRule, 'entity'>,
): SoftDeleteRule {
  return { entity, ...rule };
}
