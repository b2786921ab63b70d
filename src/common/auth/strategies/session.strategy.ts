import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';
import { AppConfig } from '../../../config/app-config.js';
import { sha256Hex } from '../../crypto.js';
import { ApiError } from '../../http/error-codes.js';
import { isAllowedOrigin } from '../../http/http-setup.js';
import { type Authenticated, canSignIn, fromUser } from '../authenticated.js';
import { sessionIdFrom } from '../credentials.js';
import { IdentityLookup } from '../identity-lookup.js';
import { SessionStore } from '../session-store.js';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The `igny8_session` cookie: a live session of a user who may sign in. An unknown, expired or
 * orphaned session fails (the guard then treats the cookie as absent and clears it). Unsafe
 * methods need an allowed `Origin` (or, without one, `Referer`): 403 `csrf_failed` otherwise.
 */
@Injectable()
export class SessionCookieStrategy extends PassportStrategy(Strategy, 'session-cookie') {
  constructor(
    private readonly config: AppConfig,
    private readonly identities: IdentityLookup,
    private readonly sessions: SessionStore,
  ) {
    super();
  }

  async validate(request: FastifyRequest): Promise<Authenticated | null> {
    const hash = sha256Hex(sessionIdFrom(request) ?? '');
    const session = await this.sessions.find(hash);
    const user = session ? await this.identities.userById(session.userId) : null;
    if (!session || !canSignIn(user)) {
      if (session) await this.sessions.destroy(hash);
      return null;
    }
    if (UNSAFE_METHODS.has(request.method) && !this.sameOrigin(request)) {
      throw new ApiError('csrf_failed', 'CSRF check failed.');
    }
    return fromUser(user, 'session');
  }

  private sameOrigin(request: FastifyRequest): boolean {
    const origin = request.headers.origin;
    if (origin) return isAllowedOrigin(this.config, origin);
    const referer = request.headers.referer;
    if (!referer) return false;
    try {
      return isAllowedOrigin(this.config, new URL(referer).origin);
    } catch {
      return false;
    }
  }
}
