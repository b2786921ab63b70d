import { SetMetadata } from '@nestjs/common';
import type { ThrottleScope as Scope } from '../../config/config.schema.js';

export const THROTTLE_SCOPE = 'igny8:throttle-scope';

/**
 * The named throttler a route or controller counts against; `null` leaves it unthrottled. (The
 * library's `@Throttle` overrides a throttler's limits instead; ours are configuration only.)
 */
export const UseThrottler = (scope: Scope | null) => SetMetadata(THROTTLE_SCOPE, scope);
