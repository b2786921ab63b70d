import { Choice, IdList, Int, Pk } from '../../../common/http/fields.js';
import type { AnchorStrategy } from '../../ai/providers/ai-provider.js';

export const ANCHOR_STRATEGIES = ['exact_match', 'partial_match', 'semantic'] as const;

const ANCHOR_HELP =
  '`exact_match`: the anchor is the target page’s primary keyword as it appears in the text; ' +
  '`partial_match`: a short phrase of the text containing it; `semantic`: any phrase with the same meaning.';

class LinkOptionsDto {
  @Int({ min: 1, max: 20 }, { description: 'Most links inserted per content item.', default: 5 })
  max_links?: number;

  @Choice(ANCHOR_STRATEGIES, {}, { description: ANCHOR_HELP, default: 'exact_match' })
  anchor_strategy?: AnchorStrategy;
}

export class LinkContentDto extends LinkOptionsDto {
  @Pk({ required: true }, { description: 'A content item of the caller (400 on this field otherwise).' })
  content_id: number;
}

export class BatchLinkContentDto extends LinkOptionsDto {
  @IdList(
    { min: 1, max: 20, required: true },
    { description: 'Content items of one site, all visible to the caller (400 on this field otherwise).' },
  )
  content_ids: number[];
}
