import { Body, Controller, Delete, Get, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Roles } from '../../common/auth/auth.decorators.js';
import { IdPipe } from '../../common/http/id.pipe.js';
import { DELETED, type Paginated, type WithMessage } from '../../common/http/responses.js';
import { ApiListQuery, type RawQuery } from '../../common/list/index.js';
import { ApiData, ApiPaginated } from '../../common/openapi/api-responses.decorator.js';
import { AccountSettingsDto } from './accounts.dto.js';
import { AccountsService } from './accounts.service.js';
import { AccountDto, UserDto } from '../auth/dto/auth-responses.dto.js';
import type { AccountView, UserView } from '../auth/presenters.js';
import { InviteUserDto } from '../users/users.dto.js';
import { USERS_LIST, UsersService } from '../users/users.service.js';

/** `account/`: the account's settings and team (usage analytics is in the billing module). */
@ApiTags('account')
@Controller('api/v1/account')
export class AccountController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly users: UsersService,
  ) {}

  @Get('settings')
  @Roles('viewer')
  @ApiOperation({ summary: "The caller's account" })
  @ApiData(AccountDto)
  settings(): Promise<AccountView> {
    return this.accounts.getOwn();
  }

  @Patch('settings')
  @Roles('admin')
  @ApiOperation({ summary: 'Update the account settings (as `PATCH auth/account/`)' })
  @ApiData(AccountDto)
  updateSettings(@Body() body: AccountSettingsDto): Promise<AccountView> {
    return this.accounts.updateOwn(body);
  }

  @Get('team')
  @Roles('viewer')
  @ApiOperation({ summary: 'Users of the account (filters, search and ordering as `auth/users/`)' })
  @ApiListQuery(USERS_LIST)
  @ApiPaginated(UserDto)
  team(@Query() query: RawQuery, @Req() request: FastifyRequest): Promise<Paginated<UserView>> {
    return this.users.listTeam(query, request);
  }

  @Post('team')
  @Roles('admin')
  @ApiOperation({
    summary: 'Invite a user',
    description:
      'Creates the user with a random password and sends a `team_invite` email with a one-hour link to ' +
      'choose one. Counts against the plan `max_users` (403 `plan_limit_reached`).',
  })
  @ApiData(UserDto, { status: 201, description: 'Invited' })
  invite(@Body() body: InviteUserDto): Promise<UserView> {
    return this.users.create(body);
  }

  @Delete('team/:id')
  @Roles('admin')
  @ApiOperation({ summary: 'Remove a user (soft delete; not yourself or the owner); revokes their sessions' })
  @ApiData(null, { description: 'Deleted' })
  async remove(@Param('id', IdPipe) id: number): Promise<WithMessage<null>> {
    await this.users.remove(id);
    return DELETED;
  }
}
