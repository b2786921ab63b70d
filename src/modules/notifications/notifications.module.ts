import { Global, Module } from '@nestjs/common';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsService } from './notifications.service.js';
import { Notifier } from './notifier.service.js';

/** Notifications (docs/system.md#notifications): `notifications/` and the `Notifier` other modules call. */
@Global()
@Module({
  controllers: [NotificationsController],
  providers: [NotificationsService, Notifier],
  exports: [Notifier],
})
export class NotificationsModule {}
