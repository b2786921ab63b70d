import { resourceController } from '../../common/tenancy/resource-controller.js';
import { UserDto } from '../auth/dto/auth-responses.dto.js';
import { SITE_ACCESS_LIST, SiteAccessService } from './site-access.service.js';
import { CreateSiteAccessDto, CreateUserDto, SiteAccessDto, UpdateUserDto } from './users.dto.js';
import { USERS_LIST, UsersService } from './users.service.js';

/** `auth/users/`: CRUD + trash/restore (no bulk delete, no purge: users are never hard-deleted). */
export const UsersController = resourceController(
  {
    path: 'api/v1/auth/users',
    name: 'Users',
    tag: 'auth',
    model: UserDto,
    list: USERS_LIST,
    createDto: CreateUserDto,
    updateDto: UpdateUserDto,
    roles: { read: 'viewer', write: 'admin', trash: 'admin' },
    throttle: { read: 'default', write: 'default' },
    without: ['filterOptions', 'bulkDelete', 'purge'],
  },
  UsersService,
);

/** `auth/site-access/`: list, create, retrieve, hard delete. */
export const SiteAccessController = resourceController(
  {
    path: 'api/v1/auth/site-access',
    name: 'SiteAccess',
    tag: 'auth',
    model: SiteAccessDto,
    list: SITE_ACCESS_LIST,
    createDto: CreateSiteAccessDto,
    roles: { read: 'admin', write: 'admin', trash: 'admin' },
    throttle: { read: 'default', write: 'default' },
    without: ['filterOptions', 'bulkDelete', 'trash', 'restore', 'purge'],
  },
  SiteAccessService,
);
