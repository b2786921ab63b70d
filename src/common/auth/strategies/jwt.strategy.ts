import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import { AppConfig } from '../../../config/app-config.js';
import { type Authenticated, canSignIn, fromUser } from '../authenticated.js';
import { bearerJwtFrom } from '../credentials.js';
import { IdentityCache } from '../identity-cache.js';
import { type AccessClaims, invalidToken, JWT_ALGORITHM, jwtKey } from '../token.service.js';

/**
 * A JWT access token: passport-jwt checks the HS256 signature (no other algorithm), `iss`, `aud` and
 * `exp` with the key the `JwtModule` signs with; then the token type, the user (live, active, not the
 * system bot, `sub` matching) and revocation (`iat` against `tokens_valid_after`, `ver` against the
 * user's token version). The user comes from the identity cache (identity-cache.ts). Failures of passport-jwt itself reach the guard as the failure info.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly identities: IdentityCache,
  ) {
    super({
      jwtFromRequest: bearerJwtFrom as never,
      secretOrKey: jwtKey(config) as unknown as Buffer,
      algorithms: [JWT_ALGORITHM],
      issuer: config.auth.jwtIssuer,
      audience: config.auth.jwtAudience,
    });
  }

  async validate(claims: AccessClaims): Promise<Authenticated> {
    if (claims.typ !== 'access' || !Number.isSafeInteger(claims.user_id)) throw invalidToken();
    const user = await this.identities.userById(claims.user_id);
    if (!canSignIn(user) || String(user.user_id) !== claims.sub) throw invalidToken();
    if (user.tokens_valid_after && claims.iat * 1000 < user.tokens_valid_after.getTime())
      throw invalidToken();
    if ((claims.ver ?? 0) !== user.token_version) throw invalidToken();
    return fromUser(user, 'jwt');
  }
}
