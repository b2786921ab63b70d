import { applyDecorators, Controller, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiKeyAllowed, Roles } from '../../common/auth/auth.decorators.js';
import { Accepted } from '../../common/http/responses.js';
import { BodyAs } from '../../common/http/validation.pipe.js';
import { Idempotent } from '../../common/idempotency/idempotent.decorator.js';
import { requestOrigin } from '../../common/media/media.service.js';
import { ApiAccepted } from '../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';
import { AiActionsService } from '../ai/ai-actions.service.js';
import { RequireModule } from '../module-settings/module-enabled.guard.js';
import { BatchLinkContentDto, LinkContentDto } from './dto/linker.dto.js';
import { DEFAULT_LINK_OPTIONS, type LinkOptions } from './link-content.function.js';

const DESCRIPTION =
  'Queues the `link_content` AI task (poll `system/tasks/{task_id}/`): for each content item one AI call ' +
  'suggests links to the site’s other approved or published content (keyword and cluster overlap, following ' +
  '`anchor_strategy`); the best suggestions by confidence are inserted as `<a href="<target URL>">` around ' +
  'their anchor text — never inside existing links, headings or attributes, at most one per target, at most ' +
  '`max_links` — and recorded in `internal_links`. Targets without a URL are reported, not linked. Result: ' +
  '`{results: [{content_id, links_added, link_opportunities: [{anchor_text, target_url, target_content_id, ' +
  'position, confidence, inserted}]}], errors}`. Content without an HTML body (or with nothing to link to) is ' +
  'an item error and costs nothing. Credits (`linking`): one item held per content, charged at least 1 per ' +
  'content, one per 1000 tokens. Accepts an `Idempotency-Key` header.';

const LinkAction = (summary: string, body: new () => unknown) =>
  applyDecorators(
    Roles('editor'),
    ApiKeyAllowed(),
    UseThrottler('ai_function'),
    Idempotent(),
    ApiOperation({ summary, description: DESCRIPTION }),
    ApiBody({ type: body }),
    ApiAccepted(),
  );

function linkOptions(body: Partial<LinkOptions>): LinkOptions {
  return {
    max_links: body.max_links ?? DEFAULT_LINK_OPTIONS.max_links,
    anchor_strategy: body.anchor_strategy ?? DEFAULT_LINK_OPTIONS.anchor_strategy,
  };
}

/** `linker/` (docs/linker.md): internal linking, available when the Linker module is on for the account. */
@ApiTags('linker')
@Controller('api/v1/linker')
@RequireModule('linker')
export class LinkerController {
  constructor(private readonly actions: AiActionsService) {}

  @Post('process')
  @LinkAction('Add internal links to one content item (link_content)', LinkContentDto)
  async process(@BodyAs(LinkContentDto) body: LinkContentDto, @Req() request: FastifyRequest) {
    return new Accepted(
      await this.actions.start(
        'link_content',
        { ids: [body.content_id], field: 'content_id', options: { ...linkOptions(body) } },
        requestOrigin(request),
      ),
    );
  }

  @Post('batch_process')
  @LinkAction('Add internal links to up to 20 content items of one site (link_content)', BatchLinkContentDto)
  async batchProcess(@BodyAs(BatchLinkContentDto) body: BatchLinkContentDto, @Req() request: FastifyRequest) {
    return new Accepted(
      await this.actions.start(
        'link_content',
        { ids: body.content_ids, field: 'content_ids', options: { ...linkOptions(body) } },
        requestOrigin(request),
      ),
    );
  }
}
