import type { EntityManager } from 'typeorm';
import { tenantQuery } from '../../../common/tenancy/tenant-sql.js';
import { AuthorProfile } from '../entities/author-profile.entity.js';

/** The account's default active author profile, if any. */
export function defaultAuthorProfile(
  manager: EntityManager,
  accountId: number,
): Promise<AuthorProfile | null> {
  return tenantQuery(manager, AuthorProfile, 'ap')
    .andWhere('ap.account_id = :author_account AND ap.is_default AND ap.is_active', {
      author_account: accountId,
    })
    .getOne();
}

/**
 * The `[IGNY8_AUTHOR]` text of a content prompt: the profile's voice, one line per non-empty
 * field; empty without a profile.
 */
export function authorPromptText(profile: AuthorProfile | null): string {
  if (!profile) return '';
  const lines: [string, string][] = [
    ['Author', profile.name],
    ['About the author', profile.description],
    ['Tone', profile.tone],
    ['Writing style', profile.writing_style],
    ['Target audience', profile.target_audience],
    ['Language', profile.language],
  ];
  const text = lines
    .filter(([, value]) => value.trim() !== '')
    .map(([label, value]) => `${label}: ${value.trim()}`)
    .join('\n');
  return `Write in the voice of this author profile.\n${text}`;
}
