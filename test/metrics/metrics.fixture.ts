import { Controller, Get, HttpCode, Module, Post, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiKeyAllowed } from '../../src/common/auth/auth.decorators.js';
import { Public } from '../../src/common/auth/public.decorator.js';
import { TenantContext } from '../../src/common/context/tenant-context.service.js';
import { ApiError } from '../../src/common/http/error-codes.js';
import { runStatement } from '../../src/database/statement.js';

/** Keeps allocations alive until the test drops them, so the heap delta is visible. */
export const retained: unknown[] = [];

/** Test-only routes with a known resource footprint. */
@ApiKeyAllowed()
@Controller('api/v1/metrics-fixture')
export class MetricsFixtureController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly context: TenantContext,
  ) {}

  /**
   * Exactly `n` database queries of about `ms` milliseconds each (one inside runAsSystem), through
   * query runners or, with `direct=1`, as `runStatement` statements.
   */
  @Get('queries')
  async queries(@Query('n') n = '1', @Query('ms') ms = '0', @Query('direct') direct = '0'): Promise<unknown> {
    const count = Number(n);
    for (let i = 0; i < count; i++) {
      const sleep = ['SELECT pg_sleep($1)', [Number(ms) / 1000]] as const;
      const run = () =>
        direct === '1' ? runStatement(this.dataSource, ...sleep) : this.dataSource.query(...sleep);
      if (i === 0) await this.context.runAsSystem('metrics fixture', run);
      else await run();
    }
    return { queries: count };
  }

  /**
   * Burns at least `ms` milliseconds of the process's CPU time, and as much wall time (on a busy
   * machine the thread may wait for a core), and keeps about `mb` megabytes of heap.
   */
  @Post('work')
  @HttpCode(201)
  work(@Query('ms') ms = '0', @Query('mb') mb = '0'): unknown {
    const budget = Number(ms);
    const until = performance.now() + budget;
    const cpuAtStart = process.cpuUsage();
    const cpuMs = () => {
      const { user, system } = process.cpuUsage(cpuAtStart);
      return (user + system) / 1000;
    };
    let spins = 0;
    while (performance.now() < until || cpuMs() < budget) spins++;
    retained.push(new Array<number>(Math.round((Number(mb) * 1024 * 1024) / 8)).fill(spins + 0.5));
    return { spins };
  }

  @Get('conflict')
  conflict(): never {
    throw new ApiError('conflict', 'Busy.');
  }

  @Get('public')
  @Public()
  open(): unknown {
    return { open: true };
  }
}

@Module({ controllers: [MetricsFixtureController] })
export class MetricsFixtureModule {}
