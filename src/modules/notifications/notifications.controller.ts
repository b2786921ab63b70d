import { Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Roles } from '../../common/auth/auth.decorators.js';
import { IdPipe } from '../../common/http/id.pipe.js';
import { DELETED, type WithMessage } from '../../common/http/responses.js';
import { BodyAs } from '../../common/http/validation.pipe.js';
import { ApiListQuery, type RawQuery } from '../../common/list/index.js';
import { ApiData, ApiPaginated } from '../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';
import {
  NotificationDto,
  PreferenceViewDto,
  UnreadCountDto,
  ReadAllResultDto,
  UpdatePreferencesDto,
} from './dto/notifications.dto.js';
import { NOTIFICATIONS_LIST, NotificationsService } from './notifications.service.js';

/** `notifications/`: the caller's notifications and notification preferences. */
@ApiTags('notifications')
@Controller('api/v1/notifications')
@UseThrottler('default')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Roles('viewer')
  @ApiOperation({ summary: "Your notifications (the account's and your own), newest first" })
  @ApiListQuery(NOTIFICATIONS_LIST)
  @ApiPaginated(NotificationDto)
  list(@Query() query: RawQuery, @Req() request: FastifyRequest) {
    return this.notifications.list(query, request);
  }

  @Get('unread_count')
  @Roles('viewer')
  @ApiOperation({ summary: 'How many of your notifications are unread' })
  @ApiData(UnreadCountDto)
  unreadCount() {
    return this.notifications.unreadCount();
  }

  @Post('read_all')
  @HttpCode(200)
  @Roles('viewer')
  @ApiOperation({ summary: 'Mark all your notifications read' })
  @ApiData(ReadAllResultDto)
  readAll() {
    return this.notifications.markAllRead();
  }

  @Get('preferences')
  @Roles('viewer')
  @ApiOperation({ summary: 'Your choice per notification type: in the app, by email' })
  @ApiData(PreferenceViewDto, { isArray: true })
  preferences() {
    return this.notifications.preferences();
  }

  @Patch('preferences')
  @Roles('viewer')
  @ApiOperation({ summary: 'Change your choice for some notification types' })
  @ApiBody({ type: UpdatePreferencesDto })
  @ApiData(PreferenceViewDto, { isArray: true })
  updatePreferences(@BodyAs(UpdatePreferencesDto) body: UpdatePreferencesDto) {
    return this.notifications.updatePreferences(body.preferences);
  }

  @Post(':id/read')
  @HttpCode(200)
  @Roles('viewer')
  @ApiOperation({ summary: 'Mark a notification read' })
  @ApiData(NotificationDto)
  read(@Param('id', IdPipe) id: number) {
    return this.notifications.markRead(id);
  }

  @Delete(':id')
  @Roles('viewer')
  @ApiOperation({ summary: 'Delete a notification' })
  @ApiData(null, { description: 'Deleted' })
  async remove(@Param('id', IdPipe) id: number): Promise<WithMessage<null>> {
    await this.notifications.remove(id);
    return DELETED;
  }
}
