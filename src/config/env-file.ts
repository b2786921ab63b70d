import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ENV_FILE_FLAG = /^--env-file(-if-exists)?(?:=(.*))?$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The files Node.js loaded through `--env-file` / `--env-file-if-exists` (in `execArgv`), as given there. */
export function loadedEnvFiles(execArgv: readonly string[], cwd: string): string[] {
  const files: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const match = ENV_FILE_FLAG.exec(execArgv[i]);
    if (!match) continue;
    const path = match[2] ?? execArgv[++i];
    if (path === undefined) continue;
    if (existsSync(resolve(cwd, path))) files.push(path);
  }
  return files;
}

/**
 * Why a `NAME=value` line of an env file is corrupt, or undefined when it is fine. Node's own
 * parser accepts much more: a line without `=` is dropped silently, and an unclosed quote swallows
 * the following lines into one value. Multi-line values are refused, since no setting needs one.
 */
function lineProblem(line: string): { name: string; problem: string } | undefined {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return undefined;
  const assignment = text.replace(/^export\s+/, '');
  const equals = assignment.indexOf('=');
  if (equals < 0) {
    const name = /^[^\s:=]+/.exec(assignment)?.[0] ?? assignment;
    return { name, problem: 'not of the form NAME=value' };
  }
  const name = assignment.slice(0, equals).trim();
  if (!NAME.test(name)) return { name, problem: 'not a valid variable name (letters, digits and _)' };
  const value = assignment.slice(equals + 1).trim();
  const quote = value[0];
  if (quote !== '"' && quote !== "'" && quote !== '`') return undefined;
  const close = value.indexOf(quote, 1);
  if (close < 0) return { name, problem: `the value opens a ${quote} that the line does not close` };
  const rest = value.slice(close + 1).trim();
  if (rest !== '' && !rest.startsWith('#'))
    return { name, problem: `unexpected text after the closing ${quote}: ${JSON.stringify(rest)}` };
  return undefined;
}

/** `NAME: <file> line N: <problem>` for every corrupt line of the given env files. */
export function envFileProblems(files: readonly string[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .forEach((line, index) => {
        const found = lineProblem(line);
        if (found) problems.push(`${found.name}: ${file} line ${index + 1}: ${found.problem}`);
      });
  }
  return problems;
}
