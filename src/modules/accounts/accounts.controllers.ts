import { Body, Controller, Delete, Get, Patch } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles, SkipAccountGate } from '../../common/auth/auth.decorators.js';
import { DELETED, type WithMessage } from '../../common/http/responses.js';
import { ApiData } from '../../common/openapi/api-responses.decorator.js';
import { resourceController } from '../../common/tenancy/resource-controller.js';
import { AccountDto, SubscriptionDto } from '../auth/dto/auth-responses.dto.js';
import type { AccountView } from '../auth/presenters.js';
import { AccountSettingsDto, CreateAccountDto, UpdateAccountDto } from './accounts.dto.js';
import { ACCOUNTS_LIST, AccountsService } from './accounts.service.js';
import { SUBSCRIPTIONS_LIST, SubscriptionsService } from './subscriptions.service.js';

/** `auth/account/`: the caller's own account. */
@ApiTags('auth')
@Controller('api/v1/auth/account')
export class OwnAccountController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  @Roles('viewer')
  @SkipAccountGate()
  @ApiOperation({ summary: "The caller's account (reachable whatever the account status)" })
  @ApiData(AccountDto)
  get(): Promise<AccountView> {
    return this.accounts.getOwn();
  }

  @Patch()
  @Roles('admin')
  @ApiOperation({ summary: "Update the caller's account settings; an invalid time zone answers 400" })
  @ApiData(AccountDto)
  update(@Body() body: AccountSettingsDto): Promise<AccountView> {
    return this.accounts.updateOwn(body);
  }

  @Delete()
  @Roles('owner')
  @ApiOperation({
    summary: "Soft-delete the caller's account",
    description:
      'Its users and sites are soft-deleted with it and every session of its users is revoked at once. ' +
      'A system account answers 403 `system_account_protected`.',
  })
  @ApiData(null, { description: 'Deleted' })
  async remove(): Promise<WithMessage<null>> {
    await this.accounts.removeOwn();
    return DELETED;
  }
}

/** `auth/accounts/` (developer): every account; CRUD + trash/restore. */
export const AccountsController = resourceController(
  {
    path: 'api/v1/auth/accounts',
    name: 'Accounts',
    tag: 'auth',
    model: AccountDto,
    list: ACCOUNTS_LIST,
    createDto: CreateAccountDto,
    updateDto: UpdateAccountDto,
    roles: { read: 'dev', write: 'dev', trash: 'dev' },
    throttle: { read: 'default', write: 'default' },
    without: ['filterOptions', 'bulkDelete', 'purge'],
  },
  AccountsService,
);

/** `auth/subscriptions/` (read only; exempt from the account status gate). */
export const SubscriptionsController = resourceController(
  {
    path: 'api/v1/auth/subscriptions',
    name: 'Subscriptions',
    tag: 'auth',
    model: SubscriptionDto,
    list: SUBSCRIPTIONS_LIST,
    roles: { read: 'admin', write: 'admin', trash: 'admin' },
    throttle: { read: 'default', write: 'default' },
    without: ['filterOptions', 'remove', 'bulkDelete', 'trash', 'restore', 'purge'],
  },
  SubscriptionsService,
);
SkipAccountGate()(SubscriptionsController);
