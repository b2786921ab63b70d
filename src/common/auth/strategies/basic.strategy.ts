import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';
import { AppConfig } from '../../../config/app-config.js';
import { ApiError } from '../../http/error-codes.js';
import { ThrottleService } from '../../throttling/throttle.service.js';
import { type Authenticated, canSignIn, fromUser } from '../authenticated.js';
import { basicFrom } from '../credentials.js';
import { IdentityLookup } from '../identity-lookup.js';
import { PasswordHasher } from '../password-hasher.js';

/**
 * HTTP Basic with the user's email and password, when enabled. Built on passport-custom rather than
 * passport-http, whose parser cuts a password at its first colon. Failed attempts (and only those)
 * count against the login limits of the client IP and email; once one is reached, Basic requests
 * from that IP for that email answer 429 until its window ends.
 */
@Injectable()
export class BasicStrategy extends PassportStrategy(Strategy, 'basic') {
  constructor(
    private readonly config: AppConfig,
    private readonly identities: IdentityLookup,
    private readonly hasher: PasswordHasher,
    private readonly throttle: ThrottleService,
  ) {
    super();
  }

  async validate(request: FastifyRequest): Promise<Authenticated> {
    const invalid = new ApiError('invalid_credentials', 'Invalid email or password.');
    if (!this.config.auth.basicEnabled) throw invalid;
    const { email, password } = basicFrom(request) ?? { email: '', password: '' };
    const limits = this.throttle.basicLimits(request.ip, email);
    await this.throttle.consume(limits);
    const user = email ? await this.identities.userByEmail(email) : null;
    const valid = user
      ? await this.hasher.verify(user.password_hash, password)
      : await this.hasher.verifyAgainstNothing(password);
    if (!valid || !canSignIn(user)) throw invalid;
    await this.throttle.release(limits);
    return fromUser(user, 'basic');
  }
}
