import 'reflect-metadata';
import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { pathToFileURL } from 'node:url';
import { PasswordHasher } from './common/auth/password-hasher.js';
import { requestContextModule } from './common/context/cls.module.js';
import { AppConfig, ConfigError } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { ENTITIES } from './entities.js';
import { SYSTEM_ACCOUNT_SLUG } from './modules/identity/entities/account.entity.js';
import { SystemAccountService } from './modules/identity/system-account.service.js';

/** The command's own small module: configuration, database and the service; no HTTP, no jobs. */
@Module({})
class CreateSystemAccountModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: CreateSystemAccountModule,
      imports: [ConfigModule.register(config), requestContextModule(), DatabaseModule.forRoot(ENTITIES)],
      providers: [PasswordHasher, SystemAccountService],
    };
  }
}

/** `npm run create-system-account`: exit 0 when the account and user exist afterwards. */
export async function runCreateSystemAccount(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let config: AppConfig;
  try {
    config = new AppConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
  if (!config.systemAdmin) {
    process.stderr.write('SYSTEM_ADMIN_EMAIL and SYSTEM_ADMIN_PASSWORD must both be set.\n');
    return 1;
  }
  const app = await NestFactory.createApplicationContext(CreateSystemAccountModule.register(config), {
    logger: ['error', 'warn'],
  });
  try {
    const result = await app
      .get(SystemAccountService)
      .ensure(config.systemAdmin.email, config.systemAdmin.password);
    process.stdout.write(
      `System account "${SYSTEM_ACCOUNT_SLUG}" (id ${result.accountId}) ${result.createdAccount ? 'created' : 'present'}; ` +
        `developer user ${config.systemAdmin.email} (id ${result.userId}) ${result.createdUser ? 'created' : 'present'}.\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(
      `create-system-account failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  } finally {
    await app.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runCreateSystemAccount();
}
