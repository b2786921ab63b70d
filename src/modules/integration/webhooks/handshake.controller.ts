import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAllowed, OptionalAuth, Roles, SkipAccountGate } from '../../../common/auth/auth.decorators.js';
import { BodyAs } from '../../../common/http/validation.pipe.js';
import { ApiData, ApiErrorResponse } from '../../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../../common/throttling/throttle.decorator.js';
import { HandshakeDto, HandshakeResultDto } from './handshake.dto.js';
import { HandshakeService } from './handshake.service.js';

/** The bridge plugin's handshake: public (the key is in the body), or an editor with a token. */
@ApiTags('integration')
@Controller('api/v1/integration/integrations')
@UseThrottler('integration')
export class HandshakeController {
  constructor(private readonly handshake: HandshakeService) {}

  @Post('test-connection')
  @HttpCode(200)
  @OptionalAuth()
  @ApiKeyAllowed()
  @Roles('editor')
  // Anonymous callers pass the account gate in the service, once the key names the site.
  @SkipAccountGate()
  @ApiOperation({
    summary: 'Connect a WordPress site running the bridge plugin (the plugin’s handshake)',
    description:
      'Checks `api_key` against `site_id` (an unknown site and a wrong key both answer 401 ' +
      '`invalid_api_key`), checks `site_url` against the site’s domain (sets it when empty), creates or ' +
      'updates the site’s WordPress integration in bridge mode and calls the plugin’s ' +
      '`/wp-json/igny8/v1/status` with the key. An editor with a token may omit `api_key`.',
  })
  @ApiBody({ type: HandshakeDto })
  @ApiData(HandshakeResultDto)
  @ApiErrorResponse(400, '`site_url_mismatch`, or `connection_failed` with `details.reason`')
  connect(@BodyAs(HandshakeDto) body: HandshakeDto) {
    return this.handshake.connect(body);
  }
}
