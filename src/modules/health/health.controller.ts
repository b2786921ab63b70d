import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../../common/auth/public.decorator.js';
import { Flat } from '../../common/http/responses.js';
import { HealthService } from './health.service.js';

@Public()
@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  live(): Flat {
    return new Flat({ status: 'ok' });
  }

  @Get('ready')
  async ready(): Promise<Flat> {
    const checks = await this.health.checks();
    const ok = Object.values(checks).every((value) => value !== 'error');
    return ok
      ? new Flat({ status: 'ok', checks })
      : new Flat(
          { status: 'error', error: 'Service not ready.', code: 'service_unavailable', checks },
          503,
          false,
        );
  }
}
