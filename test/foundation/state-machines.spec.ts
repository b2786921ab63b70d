import { describe, expect, it } from 'vitest';
import { CLUSTER_STATUS, IDEA_STATUS, KEYWORD_STATUS } from '../../src/modules/planner/state-machines.js';
import {
  CONTENT_SITE_STATUS,
  CONTENT_STATUS,
  IMAGE_STATUS,
  TASK_STATUS,
} from '../../src/modules/writer/state-machines.js';
import { ApiError } from '../../src/common/http/error-codes.js';
import { anyToAny, defineStateMachine, type StateMachine } from '../../src/common/state-machine.js';

/** The error `fn` throws (fails the test when it does not throw). */
function thrown(fn: () => void): ApiError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected an error');
}

/**
 * `from>to` pairs, written out from docs/domain-model.md#state-machines independently of the tables under
 * test.
 */
function pairs(table: Record<string, string[]>): Set<string> {
  return new Set(Object.entries(table).flatMap(([from, tos]) => tos.map((to) => `${from}>${to}`)));
}

interface Expected {
  machine: StateMachine<string>;
  field: string;
  states: string[];
  /** Every transition (any actor). */
  all: Record<string, string[]>;
  /** What a client may write. */
  client: Record<string, string[]>;
}

const ANY = (states: string[]) => Object.fromEntries(states.map((s) => [s, states]));

const MACHINES: Record<string, Expected> = {
  'Keywords.status': {
    machine: KEYWORD_STATUS,
    field: 'status',
    states: ['new', 'mapped'],
    all: ANY(['new', 'mapped']),
    client: ANY(['new', 'mapped']),
  },
  'Clusters.status': {
    machine: CLUSTER_STATUS,
    field: 'status',
    states: ['new', 'mapped'],
    all: ANY(['new', 'mapped']),
    client: ANY(['new', 'mapped']),
  },
  'ContentIdeas.status': {
    machine: IDEA_STATUS,
    field: 'status',
    states: ['new', 'queued', 'completed'],
    all: ANY(['new', 'queued', 'completed']),
    client: ANY(['new', 'queued', 'completed']),
  },
  'Tasks.status': {
    machine: TASK_STATUS,
    field: 'status',
    states: ['queued', 'generating', 'completed', 'failed'],
    all: {
      queued: ['generating'],
      failed: ['generating', 'queued'],
      generating: ['completed', 'failed', 'queued'],
      completed: ['queued'],
    },
    client: { failed: ['queued'], completed: ['queued'] },
  },
  'Content.status': {
    machine: CONTENT_STATUS,
    field: 'status',
    states: ['draft', 'review', 'approved', 'published'],
    all: {
      draft: ['review'],
      review: ['approved', 'draft', 'published'],
      approved: ['draft', 'review', 'published'],
      published: ['published', 'approved'],
    },
    client: { draft: ['review'], review: ['approved', 'draft'], approved: ['draft', 'review'] },
  },
  'Content.site_status': {
    machine: CONTENT_SITE_STATUS,
    field: 'site_status',
    states: ['not_published', 'scheduled', 'publishing', 'published', 'failed'],
    all: {
      not_published: ['scheduled', 'publishing'],
      failed: ['scheduled', 'publishing'],
      scheduled: ['not_published', 'publishing'],
      published: ['publishing', 'not_published'],
      publishing: ['published', 'failed', 'not_published', 'scheduled'],
    },
    client: {},
  },
  'Images.status': {
    machine: IMAGE_STATUS,
    field: 'status',
    states: ['pending', 'generated', 'failed'],
    all: {
      pending: ['generated', 'failed'],
      failed: ['generated', 'failed', 'pending'],
      generated: ['pending'],
    },
    client: { generated: ['pending'], failed: ['pending'] },
  },
};

describe('state machines of the planner and the writer', () => {
  describe.each(Object.entries(MACHINES))('%s', (_name, expected) => {
    const { machine } = expected;
    const all = pairs(expected.all);
    const client = pairs(expected.client);
    const everyPair = expected.states.flatMap((from) => expected.states.map((to) => [from, to] as const));

    it('has exactly the states of the entity', () => {
      expect(machine.field).toBe(expected.field);
      expect([...machine.states].sort()).toEqual([...expected.states].sort());
      expect(machine.clientWritable).toBe(client.size > 0);
    });

    it.each(everyPair)('%s → %s follows the full table (jobs and actions)', (from, to) => {
      expect(machine.canTransition(from, to)).toBe(all.has(`${from}>${to}`));
      expect(machine.next(from).includes(to)).toBe(all.has(`${from}>${to}`));
    });

    it.each(everyPair)('%s → %s by a client is allowed or 400 invalid_transition', (from, to) => {
      const legal = client.has(`${from}>${to}`);
      expect(machine.isAllowed(from, to)).toBe(legal);
      if (legal) {
        expect(() => machine.assertTransition(from, to)).not.toThrow();
        return;
      }
      const error = thrown(() => machine.assertTransition(from, to));
      expect(error.code).toBe('invalid_transition');
      expect(error.status).toBe(400);
      expect(error.extra.details).toEqual({
        field: expected.field,
        from,
        to,
        allowed: expected.client[from] ?? [],
      });
    });

    it('lists the client-settable values per state as `allowed`', () => {
      for (const from of expected.states) {
        expect([...machine.allowed(from)].sort()).toEqual([...(expected.client[from] ?? [])].sort());
      }
    });
  });

  it('accepts rewriting the current value only with allowUnchanged', () => {
    expect(() => TASK_STATUS.assertTransition('queued', 'queued', { allowUnchanged: true })).not.toThrow();
    expect(() =>
      CONTENT_STATUS.assertTransition('published', 'published', { allowUnchanged: true }),
    ).not.toThrow();
    expect(thrown(() => TASK_STATUS.assertTransition('queued', 'queued')).extra.details).toEqual({
      field: 'status',
      from: 'queued',
      to: 'queued',
      allowed: [],
    });
    expect(thrown(() => CONTENT_STATUS.assertTransition('published', 'published')).code).toBe(
      'invalid_transition',
    );
  });

  it('refuses unknown states on either side', () => {
    expect(thrown(() => TASK_STATUS.assertTransition('failed', 'archived')).extra.details).toMatchObject({
      from: 'failed',
      to: 'archived',
      allowed: ['queued'],
    });
    expect(thrown(() => IMAGE_STATUS.assertTransition('legacy', 'pending')).extra.details).toMatchObject({
      allowed: [],
    });
    expect(TASK_STATUS.canTransition('toString', 'queued')).toBe(false);
    expect(TASK_STATUS.allowed('constructor')).toEqual([]);
  });

  it('returns copies, so callers cannot alter a table', () => {
    TASK_STATUS.allowed('failed').push('generating');
    TASK_STATUS.next('queued').push('completed');
    expect(TASK_STATUS.allowed('failed')).toEqual(['queued']);
    expect(TASK_STATUS.next('queued')).toEqual(['generating']);
  });

  it('rejects a definition whose client transitions are not in the table', () => {
    expect(() =>
      defineStateMachine<'a' | 'b'>({
        field: 'status',
        transitions: { a: ['b'], b: [] },
        clientSettable: { b: ['a'] },
      }),
    ).toThrow(/client transition b → a is not in the table/);
    expect(anyToAny(['x', 'y'])).toEqual({ x: ['x', 'y'], y: ['x', 'y'] });
  });
});
