import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createSecretKey, randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app-config.js';
import type { Role } from '../context/request-context.js';
import { ApiError } from '../http/error-codes.js';

export const ACCESS_TTL_SECONDS = 15 * 60;
export const REFRESH_TTL_SECONDS = 7 * 24 * 3600;

export interface AccessClaims {
  typ: 'access';
  sub: string;
  user_id: number;
  account_id: number;
  role: Role;
  jti: string;
  iat: number;
  exp: number;
}

export interface RefreshClaims {
  typ: 'refresh';
  sub: string;
  jti: string;
  fam: string;
  iat: number;
  exp: number;
}

export interface TokenPair {
  access: string;
  refresh: string;
  access_expires_at: string;
  refresh_expires_at: string;
}

export interface IssuedRefresh {
  token: string;
  jti: string;
  familyId: string;
  expiresAt: Date;
}

/** HS256 JWTs with pinned algorithm, issuer, audience and token type (api.md 2.2). */
@Injectable()
export class TokenService {
  private readonly jwt: JwtService;

  constructor(private readonly config: AppConfig) {
    // A KeyObject spares jsonwebtoken from first trying (and failing) to parse the secret as a public key.
    const key = createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8'));
    this.jwt = new JwtService({ secret: key as unknown as string });
  }

  issueAccess(user: { id: number; account_id: number; role: Role }): { token: string; expiresAt: Date } {
    const now = Math.floor(Date.now() / 1000);
    const token = this.jwt.sign(
      { typ: 'access', user_id: user.id, account_id: user.account_id, role: user.role, iat: now },
      {
        algorithm: 'HS256',
        expiresIn: ACCESS_TTL_SECONDS,
        issuer: this.config.auth.jwtIssuer,
        audience: this.config.auth.jwtAudience,
        subject: String(user.id),
        jwtid: randomUUID(),
      },
    );
    return { token, expiresAt: new Date((now + ACCESS_TTL_SECONDS) * 1000) };
  }

  issueRefresh(userId: number, familyId: string = randomUUID()): IssuedRefresh {
    const now = Math.floor(Date.now() / 1000);
    const jti = randomUUID();
    const token = this.jwt.sign(
      { typ: 'refresh', fam: familyId, iat: now },
      {
        algorithm: 'HS256',
        expiresIn: REFRESH_TTL_SECONDS,
        issuer: this.config.auth.jwtIssuer,
        audience: this.config.auth.jwtAudience,
        subject: String(userId),
        jwtid: jti,
      },
    );
    return { token, jti, familyId, expiresAt: new Date((now + REFRESH_TTL_SECONDS) * 1000) };
  }

  verifyAccess(token: string): AccessClaims {
    const claims = this.verify<AccessClaims>(token);
    if (claims.typ !== 'access' || !Number.isSafeInteger(claims.user_id)) throw invalidToken();
    return claims;
  }

  verifyRefresh(token: string): RefreshClaims {
    const claims = this.verify<RefreshClaims>(token);
    if (claims.typ !== 'refresh' || typeof claims.fam !== 'string' || typeof claims.jti !== 'string') {
      throw invalidToken();
    }
    return claims;
  }

  private verify<T extends object>(token: string): T {
    try {
      return this.jwt.verify<T>(token, {
        algorithms: ['HS256'],
        issuer: this.config.auth.jwtIssuer,
        audience: this.config.auth.jwtAudience,
      });
    } catch (error) {
      if ((error as { name?: string }).name === 'TokenExpiredError') {
        throw new ApiError('token_expired', 'Token is expired.');
      }
      throw invalidToken();
    }
  }
}

function invalidToken(): ApiError {
  return new ApiError('token_invalid', 'Given token not valid for any token type.');
}
