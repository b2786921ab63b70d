import { createHash, type Hash } from 'node:crypto';
import { pipeline, Transform } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

const MULTIPART = /^multipart\//i;

const hashes = new WeakMap<FastifyRequest, Hash>();

/**
 * The JSON parser keeps only the parsed body, so a request sent with an `Idempotency-Key` feeds its
 * raw body bytes through a SHA-256 as they stream in (`preParsing`). The hash covers the method, the
 * URL with its query string and the body, in that order, separated by a newline (neither the method
 * nor the URL can contain one, and the body comes last).
 *
 * Multipart bodies are left alone: @fastify/multipart reads the raw stream itself, which a second
 * reader would take chunks from.
 */
export function hashIdempotentRequests(fastify: FastifyInstance): void {
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    const keyed = request.headers[IDEMPOTENCY_KEY_HEADER] !== undefined;
    if (!keyed || MULTIPART.test(request.headers['content-type'] ?? '')) return done(null, payload);
    const hash = createHash('sha256').update(`${request.method}\n${request.url}\n`);
    hashes.set(request, hash);
    const tee = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    // A failing upload destroys `tee` with the error, which the body parser then reports.
    done(
      null,
      pipeline(payload, tee, () => undefined),
    );
  });
}

/**
 * The request's hash (hex), undefined for a multipart request. The body has been read by the time
 * a route's interceptors run.
 */
export function requestHash(request: FastifyRequest): string | undefined {
  const hash = hashes.get(request);
  hashes.delete(request);
  return hash?.digest('hex');
}
