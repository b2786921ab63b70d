import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { HELMET_OPTIONS, securityHeaders } from './http-setup.js';

/** The headers of an answer, minus those Fastify itself sets. */
async function headersOf(register: (app: FastifyInstance) => unknown) {
  const app = Fastify();
  await register(app);
  app.get('/', () => ({ ok: true }));
  const response = await app.inject({ method: 'GET', url: '/' });
  await app.close();
  const { date: _date, connection: _connection, 'content-length': _length, ...rest } = response.headers;
  return rest;
}

describe('securityHeaders', () => {
  it('are the headers @fastify/helmet sets per request with the same options', async () => {
    const precomputed = securityHeaders();
    const plugin = await headersOf((app) => app.register(helmet, HELMET_OPTIONS));
    const once = await headersOf((app) => {
      app.addHook('onRequest', (_request, reply, done) => {
        for (const [name, value] of precomputed) reply.raw.setHeader(name, value);
        done();
      });
    });
    expect(once).toEqual(plugin);
    expect(plugin['content-security-policy']).toContain("default-src 'self'");
    expect(plugin['x-frame-options']).toBe('DENY');
    expect(Object.keys(plugin).length).toBeGreaterThan(10);
  });
});
