import { SetMetadata } from '@nestjs/common';
import type { ThrottleScope } from '../../config/config.schema.js';

export const THROTTLE_SCOPE = 'igny8:throttle-scope';

/** The throttle scope of a route or controller (api.md 6); `null` leaves it unthrottled. */
export const Throttle = (scope: ThrottleScope | null) => SetMetadata(THROTTLE_SCOPE, scope);
