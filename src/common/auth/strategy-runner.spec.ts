import { describe, expect, it } from 'vitest';
import { strategyRunner } from './strategy-runner.js';

type Act = (run: ActionsOf, request: { header?: string }) => void;

interface ActionsOf {
  success(user: unknown, info?: unknown): void;
  fail(challenge?: unknown): void;
  error(error: unknown): void;
  pass(): void;
  redirect(url: string): void;
}

/** A strategy whose `authenticate` calls one of the actions, and records the object it ran on. */
class ScriptedStrategy {
  readonly runs: object[] = [];
  readonly secret = 'from the strategy';

  constructor(
    readonly name: string,
    private readonly act: Act,
  ) {}

  authenticate(request: { header?: string }): void {
    this.runs.push(this);
    this.act(this as unknown as ActionsOf, request);
  }
}

describe('strategyRunner', () => {
  it('settles with the user and info of success, on an object that inherits from the strategy', async () => {
    const strategy = new ScriptedStrategy('scripted', (run, request) =>
      run.success(
        { id: 7, header: request.header, secret: (run as unknown as ScriptedStrategy).secret },
        'ok',
      ),
    );
    const run = strategyRunner<{ id: number }>(strategy, strategy.name);
    await expect(run({ header: 'h' })).resolves.toEqual({
      user: { id: 7, header: 'h', secret: 'from the strategy' },
      info: 'ok',
    });
    const [first] = strategy.runs;
    expect(Object.getPrototypeOf(Object.getPrototypeOf(first))).toBe(strategy);
  });

  it('gives every run its own object, with the actions shared rather than assigned to it', async () => {
    const strategy = new ScriptedStrategy('scripted', (run) => run.success(1));
    const run = strategyRunner(strategy, strategy.name);
    await Promise.all([run({}), run({})]);
    const [first, second] = strategy.runs;
    expect(first).not.toBe(second);
    for (const action of ['success', 'fail', 'error', 'pass', 'redirect']) {
      expect(Object.hasOwn(first, action)).toBe(false);
      expect((first as Record<string, unknown>)[action]).toBe((second as Record<string, unknown>)[action]);
    }
  });

  it('settles a fail with no user and the challenge as info', async () => {
    const challenge = new Error('No auth token');
    const run = strategyRunner(
      new ScriptedStrategy('scripted', (actions) => actions.fail(challenge)),
      'scripted',
    );
    await expect(run({})).resolves.toEqual({ user: false, info: challenge });
  });

  it('rejects with the error a strategy reports, wrapping what is not an Error', async () => {
    const failure = new Error('database down');
    await expect(strategyRunner(new ScriptedStrategy('s', (a) => a.error(failure)), 's')({})).rejects.toBe(
      failure,
    );
    const wrapped = await strategyRunner(
      new ScriptedStrategy('odd', (a) => a.error('text')),
      'odd',
    )({}).catch((error: unknown) => error);
    expect(wrapped).toBeInstanceOf(Error);
    expect((wrapped as Error).message).toBe('passport: strategy "odd" failed');
    expect((wrapped as Error).cause).toBe('text');
  });

  it('rejects a strategy that passes, redirects or throws, naming it as the caller does', async () => {
    await expect(strategyRunner(new ScriptedStrategy('p', (a) => a.pass()), 'p')({})).rejects.toThrow(
      'passport: strategy "p" passed',
    );
    await expect(strategyRunner(new ScriptedStrategy('r', (a) => a.redirect('/x')), 'r')({})).rejects.toThrow(
      'passport: strategy "r" redirected',
    );
    await expect(
      strategyRunner(new ScriptedStrategy('custom', (a) => a.pass()), 'api-key')({}),
    ).rejects.toThrow('passport: strategy "api-key" passed');
    const thrown = new Error('thrown');
    await expect(
      strategyRunner(
        new ScriptedStrategy('t', () => {
          throw thrown;
        }),
        't',
      )({}),
    ).rejects.toBe(thrown);
  });
});
