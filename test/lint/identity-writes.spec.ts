import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint, type Rule } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = 'test/fixtures/identity-writes/writes.ts';

describe('lint rule igny8/identity-writes', () => {
  it('reports every write of an identity table in the fixture, and nothing else', async () => {
    // A plain JavaScript rule (no declarations): imported by URL.
    const rulePath = new URL('../../eslint-rules/identity-writes.js', import.meta.url).href;
    const { default: identityWrites } = (await import(rulePath)) as { default: Rule.RuleModule };
    const eslint = new ESLint({
      cwd: root,
      overrideConfigFile: true,
      overrideConfig: [
        {
          files: ['**/*.ts'],
          languageOptions: {
            parser: tseslint.parser,
            parserOptions: { projectService: true, tsconfigRootDir: root },
          },
          plugins: { igny8: { rules: { 'identity-writes': identityWrites } } },
          rules: { 'igny8/identity-writes': 'error' },
        },
      ],
    });
    const [result] = await eslint.lintFiles([fixture]);
    expect(result.messages.filter((message) => message.fatal)).toEqual([]);
    const reported = [...new Set(result.messages.map((message) => message.line))].sort((a, b) => a - b);
    const expected = readFileSync(`${root}/${fixture}`, 'utf8')
      .split('\n')
      .flatMap((line, index) => (line.endsWith('// identity-write') ? [index + 1] : []));
    expect(expected.length).toBeGreaterThan(5);
    expect(reported).toEqual(expected);
    expect(result.messages.every((message) => message.ruleId === 'igny8/identity-writes')).toBe(true);
  }, 300_000);
});
