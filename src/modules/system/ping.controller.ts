import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/auth/public.decorator.js';
import { Flat } from '../../common/http/responses.js';
import { AppConfig } from '../../config/app-config.js';
import { PingResponseDto } from './dto/ping-response.dto.js';

@Public()
@ApiTags('system')
@Controller()
export class PingController {
  constructor(private readonly config: AppConfig) {}

  @Get('api/ping')
  @ApiOperation({ operationId: 'ping', summary: 'Ping: server time and version' })
  @ApiOkResponse({ type: PingResponseDto })
  ping(): Flat {
    return new Flat({ time: new Date().toISOString(), version: this.config.version });
  }

  @Get('api/v1/system/ping')
  @ApiOperation({
    operationId: 'system_ping',
    summary: 'Ping under the system module (same answer as /api/ping/)',
  })
  @ApiOkResponse({ type: PingResponseDto })
  systemPing(): Flat {
    return this.ping();
  }
}
