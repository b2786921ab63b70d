import { ApiError } from './http/error-codes.js';

/** `from → [to…]` for every state; a state with no way out maps to `[]`. */
export type TransitionTable<S extends string> = { readonly [From in S]: readonly S[] };

export interface StateMachineDefinition<S extends string> {
  /** The status column, e.g. `status` or `site_status` (reported in `details.field`). */
  field: string;
  /** Every transition, whoever triggers it (jobs, actions, clients). */
  transitions: TransitionTable<S>;
  /**
   * The subset a client may write through PATCH/PUT/`bulk_update`; states left out allow nothing.
   * Omitted: clients may make every transition of `transitions`. `{}`: the field is read-only for
   * clients (writes answer `validation_error`, see `clientWritable`).
   */
  clientSettable?: { readonly [From in S]?: readonly S[] };
}

export interface StateMachine<S extends string> {
  readonly field: string;
  /** Every state, in the order of the table. */
  readonly states: readonly S[];
  /** Whether clients may write the field at all (false: read-only, e.g. `site_status`). */
  readonly clientWritable: boolean;
  /** Values the client may set from `from` (`details.allowed` of `invalid_transition`). */
  allowed(from: string): S[];
  /** Whether the client may set `to` from `from`. */
  isAllowed(from: string, to: string): boolean;
  /**
   * Guards a client write: throws 400 `invalid_transition` with
   * `details: {field, from, to, allowed}` unless `to` is in `allowed(from)`. With
   * `allowUnchanged`, writing the current value again (`to === from`) is accepted as a no-op
   * (useful for PUT bodies that echo the row back).
   */
  assertTransition(from: string, to: string, options?: { allowUnchanged?: boolean }): void;
  /** Whether the table lists `from → to` at all (jobs and server-side actions; they skip the item otherwise). */
  canTransition(from: string, to: string): boolean;
  /** Every state reachable from `from` in one step, by anyone. */
  next(from: string): S[];
  /** Every state that may move to `to`: the rows a server-side change to `to` may touch. */
  sources(to: S): S[];
}

/** Every state to every state (including itself): "any → any" by an editor. */
export function anyToAny<S extends string>(states: readonly S[]): TransitionTable<S> {
  return Object.fromEntries(states.map((state) => [state, [...states]])) as unknown as TransitionTable<S>;
}

/**
 * One status field's state machine (docs/domain-model.md#state-machines): the full transition table and the
 * part of it clients may write. Validates at definition time that client transitions are a subset of the
 * table.
 */
export function defineStateMachine<S extends string>(definition: StateMachineDefinition<S>): StateMachine<S> {
  const { field, transitions } = definition;
  const states = Object.keys(transitions) as S[];
  const clientTable: Partial<Record<S, readonly S[]>> = definition.clientSettable ?? transitions;
  const lookup = (table: Partial<Record<S, readonly S[]>>, from: string): readonly S[] =>
    Object.hasOwn(table, from) ? (table[from as S] ?? []) : [];

  for (const from of Object.keys(clientTable) as S[]) {
    for (const to of clientTable[from] ?? []) {
      if (!lookup(transitions, from).includes(to)) {
        throw new Error(`State machine ${field}: client transition ${from} → ${to} is not in the table`);
      }
    }
  }

  const allowed = (from: string): S[] => [...lookup(clientTable, from)];
  const isAllowed = (from: string, to: string): boolean => allowed(from).includes(to as S);

  return {
    field,
    states,
    clientWritable: states.some((state) => allowed(state).length > 0),
    allowed,
    isAllowed,
    assertTransition(from, to, options = {}) {
      if (options.allowUnchanged && from === to) return;
      if (isAllowed(from, to)) return;
      throw new ApiError('invalid_transition', `Cannot change ${field} from "${from}" to "${to}".`, {
        details: { field, from, to, allowed: allowed(from) },
      });
    },
    canTransition: (from, to) => lookup(transitions, from).includes(to as S),
    next: (from) => [...lookup(transitions, from)],
    sources: (to) => states.filter((from) => lookup(transitions, from).includes(to)),
  };
}
