import { Controller, Get, Injectable, Param, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { Roles } from '../../../common/auth/auth.decorators.js';
import { ApiError } from '../../../common/http/error-codes.js';
import { IdPipe } from '../../../common/http/id.pipe.js';
import { Paginated } from '../../../common/http/responses.js';
import { ApiListQuery, defineList, filter, type RawQuery } from '../../../common/list/index.js';
import { ListService } from '../../../common/list/list.service.js';
import { ApiData, ApiPaginated } from '../../../common/openapi/api-responses.decorator.js';
import { resourceController } from '../../../common/tenancy/resource-controller.js';
import { globalQuery } from '../../../common/tenancy/tenant-sql.js';
import { UseThrottler } from '../../../common/throttling/throttle.decorator.js';
import { GlobalAuthorProfile } from '../entities/author-profile.entity.js';
import { AUTHOR_PROFILES_LIST, AuthorProfilesService } from './author-profiles.service.js';
import {
  AuthorProfileDto,
  CreateAuthorProfileDto,
  GlobalAuthorProfileDto,
  UpdateAuthorProfileDto,
} from './dto/author-profile.dto.js';
import { STRATEGIES_LIST, StrategiesService } from './strategies.service.js';
import { CreateStrategyDto, StrategyDto, UpdateStrategyDto } from './dto/strategy.dto.js';

const CONFIG_ACCESS = {
  tag: 'system',
  roles: { read: 'viewer', write: 'editor', trash: 'admin' },
  throttle: { read: 'system', write: 'system' },
  without: ['filterOptions', 'bulkDelete', 'trash', 'restore', 'purge'],
} as const;

/** `system/author-profiles/`: CRUD of the account's author profiles (read viewer, write editor). */
export const AuthorProfilesController = resourceController(
  {
    ...CONFIG_ACCESS,
    without: [...CONFIG_ACCESS.without],
    path: 'api/v1/system/author-profiles',
    name: 'AuthorProfiles',
    model: AuthorProfileDto,
    list: AUTHOR_PROFILES_LIST,
    createDto: CreateAuthorProfileDto,
    updateDto: UpdateAuthorProfileDto,
  },
  AuthorProfilesService,
);

/** `system/strategies/`: CRUD of the account's strategies (read viewer, write editor). */
export const StrategiesController = resourceController(
  {
    ...CONFIG_ACCESS,
    without: [...CONFIG_ACCESS.without],
    path: 'api/v1/system/strategies',
    name: 'Strategies',
    model: StrategyDto,
    list: STRATEGIES_LIST,
    createDto: CreateStrategyDto,
    updateDto: UpdateStrategyDto,
  },
  StrategiesService,
);

const GLOBAL_PROFILES_LIST = defineList({
  filters: { language: filter.string('g.language') },
  search: ['g.name', 'g.description'],
  ordering: { fields: { name: 'g.name' }, default: 'name' },
});

/** The global author profiles: read-only templates, active ones only. */
@Injectable()
export class GlobalAuthorProfilesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly lists: ListService,
  ) {}

  async list(raw: RawQuery, request: FastifyRequest): Promise<Paginated<GlobalAuthorProfile>> {
    const qb = globalQuery(this.dataSource.manager, GlobalAuthorProfile, 'g').where('g.is_active');
    const page = await this.lists.list(qb, GLOBAL_PROFILES_LIST, raw, request);
    return new Paginated(page.count, page.next, page.previous, page.results);
  }

  async get(id: number): Promise<GlobalAuthorProfile> {
    const row = await globalQuery(this.dataSource.manager, GlobalAuthorProfile, 'g')
      .where('g.is_active AND g.id = :id', { id })
      .getOne();
    if (!row) throw ApiError.notFound();
    return row;
  }
}

/** `system/global-author-profiles/`: templates every account may copy. */
@ApiTags('system')
@Controller('api/v1/system/global-author-profiles')
@UseThrottler('system')
export class GlobalAuthorProfilesController {
  constructor(private readonly profiles: GlobalAuthorProfilesService) {}

  @Get()
  @Roles('viewer')
  @ApiOperation({ summary: 'Global author profiles (templates)' })
  @ApiListQuery(GLOBAL_PROFILES_LIST)
  @ApiPaginated(GlobalAuthorProfileDto)
  list(@Query() query: RawQuery, @Req() request: FastifyRequest) {
    return this.profiles.list(query, request);
  }

  @Get(':id')
  @Roles('viewer')
  @ApiOperation({ summary: 'One global author profile' })
  @ApiData(GlobalAuthorProfileDto)
  get(@Param('id', IdPipe) id: number) {
    return this.profiles.get(id);
  }
}
