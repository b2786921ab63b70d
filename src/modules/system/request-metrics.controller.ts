import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators.js';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { ApiError } from '../../common/http/error-codes.js';
import type { RequestMetrics } from '../../common/metrics/request-metrics.store.js';
import { ResourceTracking } from '../../common/metrics/resource-tracking.service.js';
import { ApiData } from '../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';

export class RequestMetricsDto implements RequestMetrics {
  @ApiProperty({ format: 'uuid' }) tracking_id: string;
  @ApiProperty() request_id: string;
  @ApiProperty({ example: 'GET' }) method: string;
  @ApiProperty({ example: '/api/v1/auth/me/' }) path: string;
  @ApiProperty({ example: 200 }) status: number;
  @ApiProperty({ description: 'From the request arriving to its response being sent.' }) duration_ms: number;
  @ApiProperty({ description: 'Process CPU time in user mode while the request ran (after authentication).' })
  cpu_user_ms: number;
  @ApiProperty({
    description: 'Process CPU time in system mode while the request ran (after authentication).',
  })
  cpu_system_ms: number;
  @ApiProperty({ description: 'Change of the V8 heap in use (may be negative after a garbage collection).' })
  memory_delta_bytes: number;
  @ApiProperty({ description: 'Database queries of this request (after authentication).' })
  db_query_count: number;
  @ApiProperty({ description: 'Time spent in those queries.' }) db_time_ms: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `system/request-metrics/{tracking_id}/` (docs/api-conventions.md#request-id-and-resource-tracking). */
@ApiTags('system')
@UseThrottler('system')
@Controller('api/v1/system/request-metrics')
export class RequestMetricsController {
  constructor(
    private readonly tracking: ResourceTracking,
    private readonly context: TenantContext,
  ) {}

  @Get(':tracking_id')
  @Roles('admin')
  @ApiOperation({
    summary: 'Resource metrics of a tracked request',
    description:
      'Requests of admins, owners and developers sent with `X-Debug-Resource-Tracking: 1` answer with ' +
      '`X-Resource-Tracking-ID`; their metrics are readable here for 10 minutes by an admin of the same account ' +
      'or a developer. 404 once expired or for another account.',
  })
  @ApiParam({ name: 'tracking_id', format: 'uuid' })
  @ApiData(RequestMetricsDto)
  async get(@Param('tracking_id') trackingId: string): Promise<RequestMetrics> {
    const principal = this.context.requirePrincipal();
    const record = UUID.test(trackingId) ? await this.tracking.find(trackingId) : null;
    if (!record || (principal.role !== 'developer' && record.account_id !== principal.accountId)) {
      throw ApiError.notFound();
    }
    return record.metrics;
  }
}
