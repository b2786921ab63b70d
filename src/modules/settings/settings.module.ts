import { Module } from '@nestjs/common';
import {
  AccountSettingsController,
  EffectiveSettingsController,
  SystemSettingsController,
  UserSettingsController,
} from './settings.controller.js';
import { SettingsService } from './settings.service.js';

/** Key/value settings at system, account and user level (docs/system.md). */
@Module({
  controllers: [
    SystemSettingsController,
    AccountSettingsController,
    UserSettingsController,
    EffectiveSettingsController,
  ],
  providers: [SettingsService],
  exports: [SettingsService],
})
export class SettingsModule {}
