import { QueryFailedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { isServiceUnavailable } from '../../src/common/http/service-unavailable.js';

function coded(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isServiceUnavailable', () => {
  it.each([
    ['a dropped pg connection', new Error('Connection terminated unexpectedly')],
    ['a pool that cannot connect in time', new Error('timeout exceeded when trying to connect')],
    ['a refused connection', coded('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    [
      'a server shutting down, inside a query error',
      new QueryFailedError('SELECT 1', [], coded('terminating', '57P01')),
    ],
    ['a connection exception (class 08)', coded('connection failure', '08006')],
    ['a Redis command that timed out', new Error('Command timed out')],
    [
      'a Redis client without connection',
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
    ],
    ['a cause chain', new Error('wrapped', { cause: coded('reset', 'ECONNRESET') })],
  ])('is true for %s', (_, error) => {
    expect(isServiceUnavailable(error)).toBe(true);
  });

  it.each([
    ['a bug', new TypeError('undefined is not a function')],
    ['a unique violation', new QueryFailedError('INSERT', [], coded('duplicate key', '23505'))],
    ['a syntax error', coded('syntax error at or near', '42601')],
    ['not an error', 'Connection terminated'],
  ])('is false for %s', (_, error) => {
    expect(isServiceUnavailable(error)).toBe(false);
  });
});
