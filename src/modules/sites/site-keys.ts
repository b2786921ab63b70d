import { encryptSecret, randomBase62, sha256Hex } from '../../common/crypto.js';
import type { Site } from '../identity/entities/site.entity.js';

export const API_KEY_PREFIX = 'igny8_sk_';

type KeyColumns = Pick<
  Site,
  'wp_api_key_hash' | 'wp_api_key_encrypted' | 'api_key_last4' | 'api_key_created_at' | 'api_key_last_used_at'
>;

export interface SiteKey {
  /** The full key: returned once (create / regenerate), never stored in clear. */
  value: string;
  columns: KeyColumns;
}

/**
 * A new WordPress API key (docs/domain-model.md#sites-and-sectors): `igny8_sk_` + 40 CSPRNG base62
 * characters, stored as its SHA-256 hex (lookups) and an AES-256-GCM copy (sent to WordPress), plus its last
 * four characters.
 */
export function newSiteKey(encryptionKey: Buffer): SiteKey {
  const value = `${API_KEY_PREFIX}${randomBase62(40)}`;
  return {
    value,
    columns: {
      wp_api_key_hash: sha256Hex(value),
      wp_api_key_encrypted: encryptSecret(value, encryptionKey),
      api_key_last4: value.slice(-4),
      api_key_created_at: new Date(),
      api_key_last_used_at: null,
    },
  };
}
