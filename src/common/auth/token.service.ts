import { Injectable } from '@nestjs/common';
import { type JwtModuleOptions, JwtService } from '@nestjs/jwt';
import { createSecretKey, type KeyObject, randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app-config.js';
import type { Role } from '../context/request-context.js';
import { ApiError } from '../http/error-codes.js';

export const ACCESS_TTL_SECONDS = 15 * 60;
export const REFRESH_TTL_SECONDS = 7 * 24 * 3600;
export const JWT_ALGORITHM = 'HS256';

export interface AccessClaims {
  typ: 'access';
  sub: string;
  user_id: number;
  account_id: number;
  role: Role;
  /** The user's token version at issue; absent in tokens issued before versions existed (= 0). */
  ver?: number;
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

/** Whom an access token is issued to. */
export interface AccessSubject {
  id: number;
  account_id: number;
  role: Role;
  token_version?: number;
}

/**
 * The HMAC key of every token. A KeyObject spares jsonwebtoken from first trying (and failing) to
 * parse the secret as a public key.
 */
export function jwtKey(config: AppConfig): KeyObject {
  return createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8'));
}

/** Options of the `JwtModule`: one key, HS256 only, issuer and audience set and checked. */
export function jwtModuleOptions(config: AppConfig): JwtModuleOptions {
  return {
    secret: jwtKey(config),
    signOptions: {
      algorithm: JWT_ALGORITHM,
      issuer: config.auth.jwtIssuer,
      audience: config.auth.jwtAudience,
    },
    verifyOptions: {
      algorithms: [JWT_ALGORITHM],
      issuer: config.auth.jwtIssuer,
      audience: config.auth.jwtAudience,
    },
  };
}

export function invalidToken(): ApiError {
  return new ApiError('token_invalid', 'Given token not valid for any token type.');
}

/**
 * Issues access and refresh tokens and verifies refresh tokens, through the `JwtService` of the
 * `JwtModule` (HS256 with pinned issuer and audience). Access tokens are verified by the JWT
 * Passport strategy with the same key and options.
 */
@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  issueAccess(user: AccessSubject): { token: string; expiresAt: Date } {
    const now = Math.floor(Date.now() / 1000);
    const token = this.jwt.sign(
      {
        typ: 'access',
        user_id: user.id,
        account_id: user.account_id,
        role: user.role,
        ver: user.token_version ?? 0,
        iat: now,
      },
      { expiresIn: ACCESS_TTL_SECONDS, subject: String(user.id), jwtid: randomUUID() },
    );
    return { token, expiresAt: new Date((now + ACCESS_TTL_SECONDS) * 1000) };
  }

  issueRefresh(userId: number, familyId: string = randomUUID()): IssuedRefresh {
    const now = Math.floor(Date.now() / 1000);
    const jti = randomUUID();
    const token = this.jwt.sign(
      { typ: 'refresh', fam: familyId, iat: now },
      { expiresIn: REFRESH_TTL_SECONDS, subject: String(userId), jwtid: jti },
    );
    return { token, jti, familyId, expiresAt: new Date((now + REFRESH_TTL_SECONDS) * 1000) };
  }

  verifyRefresh(token: string): RefreshClaims {
    let claims: RefreshClaims;
    try {
      claims = this.jwt.verify<RefreshClaims>(token);
    } catch (error) {
      if ((error as { name?: string }).name === 'TokenExpiredError') {
        throw new ApiError('token_expired', 'Token is expired.');
      }
      throw invalidToken();
    }
    if (claims.typ !== 'refresh' || typeof claims.fam !== 'string' || typeof claims.jti !== 'string') {
      throw invalidToken();
    }
    return claims;
  }
}
