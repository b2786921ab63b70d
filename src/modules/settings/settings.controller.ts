import { applyDecorators, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators.js';
import { DELETED, type WithMessage } from '../../common/http/responses.js';
import { BodyAs } from '../../common/http/validation.pipe.js';
import { ApiData } from '../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';
import {
  EffectiveSettingDto,
  PutSettingDto,
  PutSystemSettingDto,
  SettingDto,
  SystemSettingDto,
} from './dto/settings.dto.js';
import { SettingsService } from './settings.service.js';

const DevWrite = () => applyDecorators(Roles('dev'), UseThrottler('system_admin'));

/** `system/settings/system/`: global key/value settings; everyone reads, developers write. */
@ApiTags('system')
@Controller('api/v1/system/settings/system')
@UseThrottler('system')
export class SystemSettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  @Roles('viewer')
  @ApiOperation({ summary: 'Every system setting, by key (not paginated)' })
  @ApiData(SystemSettingDto, { isArray: true })
  list() {
    return this.settings.listSystem();
  }

  @Get(':key')
  @Roles('viewer')
  @ApiOperation({ summary: 'One system setting' })
  @ApiData(SystemSettingDto)
  get(@Param('key') key: string) {
    return this.settings.getSystem(key);
  }

  @Put(':key')
  @DevWrite()
  @ApiOperation({ summary: 'Create or replace a system setting (developers)' })
  @ApiBody({ type: PutSystemSettingDto })
  @ApiData(SystemSettingDto)
  put(@Param('key') key: string, @BodyAs(PutSystemSettingDto) body: PutSystemSettingDto) {
    return this.settings.putSystem(key, body.value, body.description);
  }

  @Delete(':key')
  @DevWrite()
  @ApiOperation({ summary: 'Delete a system setting (developers)' })
  @ApiData(null, { description: 'Deleted' })
  async remove(@Param('key') key: string): Promise<WithMessage<null>> {
    await this.settings.deleteSystem(key);
    return DELETED;
  }
}

/** `system/settings/account/`: the caller's account's settings; admins write. */
@ApiTags('system')
@Controller('api/v1/system/settings/account')
@UseThrottler('system')
export class AccountSettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  @Roles('viewer')
  @ApiOperation({ summary: "The account's settings, by key (not paginated)" })
  @ApiData(SettingDto, { isArray: true })
  list() {
    return this.settings.listAccount();
  }

  @Get(':key')
  @Roles('viewer')
  @ApiOperation({ summary: 'One account setting' })
  @ApiData(SettingDto)
  get(@Param('key') key: string) {
    return this.settings.getAccount(key);
  }

  @Put(':key')
  @Roles('admin')
  @ApiOperation({ summary: 'Create or replace an account setting' })
  @ApiBody({ type: PutSettingDto })
  @ApiData(SettingDto)
  put(@Param('key') key: string, @BodyAs(PutSettingDto) body: PutSettingDto) {
    return this.settings.putAccount(key, body.value);
  }

  @Delete(':key')
  @Roles('admin')
  @ApiOperation({ summary: 'Delete an account setting' })
  @ApiData(null, { description: 'Deleted' })
  async remove(@Param('key') key: string): Promise<WithMessage<null>> {
    await this.settings.deleteAccount(key);
    return DELETED;
  }
}

/** `system/settings/user/`: the caller's own settings. */
@ApiTags('system')
@Controller('api/v1/system/settings/user')
@UseThrottler('system')
export class UserSettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  @Roles('viewer')
  @ApiOperation({ summary: 'Your settings, by key (not paginated)' })
  @ApiData(SettingDto, { isArray: true })
  list() {
    return this.settings.listUser();
  }

  @Get(':key')
  @Roles('viewer')
  @ApiOperation({ summary: 'One of your settings' })
  @ApiData(SettingDto)
  get(@Param('key') key: string) {
    return this.settings.getUser(key);
  }

  @Put(':key')
  @Roles('viewer')
  @ApiOperation({ summary: 'Create or replace one of your settings' })
  @ApiBody({ type: PutSettingDto })
  @ApiData(SettingDto)
  put(@Param('key') key: string, @BodyAs(PutSettingDto) body: PutSettingDto) {
    return this.settings.putUser(key, body.value);
  }

  @Delete(':key')
  @Roles('viewer')
  @ApiOperation({ summary: 'Delete one of your settings' })
  @ApiData(null, { description: 'Deleted' })
  async remove(@Param('key') key: string): Promise<WithMessage<null>> {
    await this.settings.deleteUser(key);
    return DELETED;
  }
}

/** `system/settings/effective/{key}/`: the value that applies to the caller, and where it comes from. */
@ApiTags('system')
@Controller('api/v1/system/settings/effective')
@UseThrottler('system')
export class EffectiveSettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get(':key')
  @Roles('viewer')
  @ApiOperation({
    summary: 'The value of a key in effect for you: yours, else the account’s, else the system’s',
    description: '404 when the key is set nowhere.',
  })
  @ApiData(EffectiveSettingDto)
  get(@Param('key') key: string) {
    return this.settings.effective(key);
  }
}
