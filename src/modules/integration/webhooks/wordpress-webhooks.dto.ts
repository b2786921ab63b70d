import { ApiProperty } from '@nestjs/swagger';
import { Int, Pk, StringList, Text } from '../../../common/http/fields.js';

const STATUS = { max: 20 } as const;
const TIME = { max: 40 } as const;
const POST_ID = { min: 1, max: Number.MAX_SAFE_INTEGER } as const;

/** `POST integration/webhooks/wordpress/status/` (docs/wordpress-plugin.md#webhooks). */
export class StatusWebhookDto {
  @Pk({}, { description: 'IGNY8 content id (the post meta `_igny8_content_id`); or `post_id`.' })
  content_id?: number;
  @Int(POST_ID, { description: 'WordPress post id; or `content_id`.' }) post_id?: number;
  @Int(POST_ID, { description: 'Alias of `post_id`.' }) assigned_post_id?: number;
  @Text(STATUS, {
    description: 'publish, private, future, draft, pending, trash or deleted. Required (or an alias).',
  })
  post_status?: string;
  @Text(STATUS, { description: 'Alias of `post_status`.' }) wordpress_status?: string;
  @Text(STATUS, { description: 'Alias of `post_status`.' }) status?: string;
  @Text({ max: 1000 }) post_url?: string;
  @Text({ max: 50 }) post_type?: string;
  @Text({ max: 50 }, { description: 'Alias of `post_type`.' }) content_type?: string;
  @Text(TIME, { description: 'ISO time; for `future`, when WordPress publishes the post.' })
  post_date_gmt?: string;
  @Text(TIME, { description: 'ISO time of the change (default now).' }) modified_at?: string;
  @Text(TIME, { description: 'Alias of `modified_at`.' }) synced_at?: string;
  @Text({ max: 500 }, { description: 'Informational.' }) site_url?: string;
}

/** `POST integration/webhooks/wordpress/metadata/`. */
export class MetadataWebhookDto {
  @Pk() content_id?: number;
  @Int(POST_ID) post_id?: number;
  @Text({ max: 500, blank: false }) title?: string;
  @Text({ max: 255 }) meta_title?: string;
  @Text({ max: 500 }) meta_description?: string;
  @Text({ max: 255 }) primary_keyword?: string;
  @Text({ max: 1000 }) post_url?: string;
  @StringList({ min: 0, max: 200, itemMax: 255 }) categories?: string[];
  @StringList({ min: 0, max: 500, itemMax: 255 }) tags?: string[];
  @Text(TIME) modified_at?: string;
}

export class StatusWebhookResultDto {
  @ApiProperty() content_id: number;
  @ApiProperty() site_status: string;
  @ApiProperty() status: string;
  @ApiProperty({ description: 'false when the event was older than the last sync (ignored).' })
  updated: boolean;
}

export class MetadataWebhookResultDto {
  @ApiProperty() content_id: number;
  @ApiProperty({ type: [String] }) updated_fields: string[];
}
