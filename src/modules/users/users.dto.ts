import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, ValidateBy } from 'class-validator';
import { UpdateMeDto } from '../auth/dto/auth-requests.dto.js';
import { OptionalBoolean, OptionalChoice, OptionalText, RequiredText } from '../auth/dto/validators.js';
import { USER_ROLES } from '../identity/entities/user.entity.js';
import { type ApiExtras, ApiField, Choice, Pk } from '../../common/http/fields.js';

/** The roles `auth/users/` and `account/team/` can give a new user. */
export const CREATABLE_ROLES = ['admin', 'editor', 'viewer'] as const;
export type CreatableRole = (typeof CREATABLE_ROLES)[number];

const USERNAME = {
  regex: /^[\w.@+-]+$/,
  message: 'Enter a valid username: letters, digits and @/./+/-/_ only.',
};

function pkListProblem(value: unknown): string | null {
  if (!Array.isArray(value)) return `Expected a list of items but got type "${typeof value}".`;
  if (value.length > 500) return 'Ensure this field has no more than 500 elements.';
  const bad = (value as unknown[]).find((item) => !(Number.isSafeInteger(item) && (item as number) > 0));
  return bad === undefined ? null : `Incorrect type. Expected pk value, received ${typeof bad}.`;
}

/** An optional list of primary keys (visibility is checked by the service, like a missing id). */
const OptionalPkList = (api: ApiExtras) =>
  applyDecorators(
    IsOptional(),
    ApiField({ type: 'integer', isArray: true, maxItems: 500 }, {}, api),
    ValidateBy({
      name: 'pkList',
      validator: {
        validate: (value: unknown) => pkListProblem(value) === null,
        defaultMessage: (args) => pkListProblem(args?.value) ?? 'Invalid value.',
      },
    }),
  );

/** `POST account/team/`: an invitation (random password + `team_invite` email). */
export class InviteUserDto {
  @RequiredText({ max: 254, email: true }) email: string;
  @OptionalText({ max: 150 }) first_name?: string;
  @OptionalText({ max: 150 }) last_name?: string;
  @Choice(CREATABLE_ROLES, { required: true }) role: CreatableRole;
}

/** `POST auth/users/`. */
export class CreateUserDto extends InviteUserDto {
  @OptionalText(
    { max: 128 },
    {
      minLength: 8,
      description: 'Without it a random password is set and a `team_invite` email with a reset link is sent.',
    },
  )
  password?: string;

  @OptionalText(
    { max: 150, min: 1, pattern: USERNAME },
    { description: 'Defaults to the email local part (made unique).' },
  )
  username?: string;

  @OptionalBoolean({ default: true }) is_active?: boolean;
  @OptionalPkList({ description: 'Sites to grant (editors and viewers only).' }) site_ids?: number[];
}

/** `PUT/PATCH auth/users/{id}/`: the `auth/me/` fields plus role and is_active. */
export class UpdateUserDto extends UpdateMeDto {
  @OptionalChoice(USER_ROLES, {
    description:
      'Nobody may assign `owner` or `system_bot`, only developers `developer`; nobody changes their own role (403).',
  })
  role?: (typeof USER_ROLES)[number];

  @OptionalBoolean({ description: 'Deactivating revokes every session of the user; not yourself (403).' })
  is_active?: boolean;
}

/** `POST auth/site-access/`. */
export class CreateSiteAccessDto {
  @Pk({ required: true }, { description: 'An editor or viewer of the account.' }) user_id: number;
  @Pk({ required: true }) site_id: number;
}

/** A SiteUserAccess object. */
export class SiteAccessDto {
  @ApiProperty() id: number;
  @ApiProperty() user_id: number;
  @ApiProperty() site_id: number;
  @ApiProperty({ type: 'integer', nullable: true }) granted_by: number | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'email' }) user_email: string;
  @ApiProperty() site_name: string;
}
