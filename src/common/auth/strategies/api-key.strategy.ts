import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';
import { safeEqual, sha256Hex } from '../../crypto.js';
import { ApiError } from '../../http/error-codes.js';
import { type Authenticated, fromSiteKey } from '../authenticated.js';
import { apiKeyFrom } from '../credentials.js';
import { IdentityLookup } from '../identity-lookup.js';

const API_KEY_FORMAT = /^igny8_sk_[0-9A-Za-z]{40}$/;

/** A site API key: a live site of a live account whose key hash matches; the site must be active. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, 'api-key') {
  constructor(private readonly identities: IdentityLookup) {
    super();
  }

  async validate(request: FastifyRequest): Promise<Authenticated> {
    const invalid = new ApiError('invalid_api_key', 'Invalid API key.');
    const key = apiKeyFrom(request) ?? '';
    if (!API_KEY_FORMAT.test(key)) throw invalid;
    const hash = sha256Hex(key);
    const site = await this.identities.siteByKeyHash(hash);
    if (!site || !safeEqual(site.wp_api_key_hash, hash)) throw invalid;
    if (!site.site_is_active) throw new ApiError('permission_denied', 'Site is inactive.');
    if (!site.api_key_last_used_at || Date.now() - site.api_key_last_used_at.getTime() > 60_000) {
      await this.identities.touchSiteKey(site.site_id);
    }
    return fromSiteKey(site);
  }
}
