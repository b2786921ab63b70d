import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RedisConnection } from '../../common/redis/redis.module.js';

export const READY_CHECK_TIMEOUT_MS = 2000;

type CheckResult = 'ok' | 'error' | 'disabled';

function withTimeout(check: () => Promise<unknown>, ms: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve('error'), ms);
  });
  const run = check().then(
    () => 'ok' as const,
    () => 'error' as const,
  );
  return Promise.race([run, timeout]).finally(() => clearTimeout(timer));
}

@Injectable()
export class HealthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly redis: RedisConnection,
  ) {}

  async checks(): Promise<{ database: CheckResult; redis: CheckResult }> {
    const redis = this.redis.client;
    const [database, redisResult] = await Promise.all([
      withTimeout(() => this.dataSource.query('SELECT 1'), READY_CHECK_TIMEOUT_MS),
      redis
        ? withTimeout(() => redis.ping(), READY_CHECK_TIMEOUT_MS)
        : Promise.resolve<CheckResult>('disabled'),
    ]);
    return { database, redis: redisResult };
  }
}
