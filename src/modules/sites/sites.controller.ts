import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiKeyAllowed, OptionalAuth, Roles } from '../../common/auth/auth.decorators.js';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { IdPipe } from '../../common/http/id.pipe.js';
import { BodyAs } from '../../common/http/validation.pipe.js';
import { ApiListQuery, type RawQuery } from '../../common/list/index.js';
import { ApiData, ApiPaginated } from '../../common/openapi/api-responses.decorator.js';
import { resourceController } from '../../common/tenancy/resource-controller.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';
import { CreateSectorDto, SectorDto, UpdateSectorDto } from './dto/sector.dto.js';
import {
  CreatedSiteDto,
  CreateSiteDto,
  RegeneratedKeyDto,
  SelectSectorsDto,
  SelectSectorsResultDto,
  SiteDto,
  UpdateSiteDto,
} from './dto/site.dto.js';
import { SECTORS_LIST, SectorsService } from './sectors.service.js';
import { SITES_LIST, SitesService } from './sites.service.js';

/** `auth/sites/` get/update/delete/trash/restore/purge (list and create are below: public lookup, key shown once). */
export const SitesController = resourceController(
  {
    path: 'api/v1/auth/sites',
    name: 'Sites',
    tag: 'auth',
    model: SiteDto,
    list: SITES_LIST,
    updateDto: UpdateSiteDto,
    roles: { read: 'viewer', write: 'admin', trash: 'admin' },
    apiKey: { read: true },
    throttle: { read: 'default', write: 'default' },
    without: ['list', 'filterOptions', 'bulkDelete'],
  },
  SitesService,
);

/** `auth/sectors/` CRUD with trash/restore/purge. */
export const SectorsController = resourceController(
  {
    path: 'api/v1/auth/sectors',
    name: 'Sectors',
    tag: 'auth',
    model: SectorDto,
    list: SECTORS_LIST,
    createDto: CreateSectorDto,
    updateDto: UpdateSectorDto,
    roles: { read: 'viewer', write: 'admin', trash: 'admin' },
    apiKey: { read: true },
    throttle: { read: 'default', write: 'default' },
    without: ['filterOptions', 'bulkDelete'],
  },
  SectorsService,
);

/** The site routes beyond the generated ones. */
@ApiTags('auth')
@Controller('api/v1/auth/sites')
@UseThrottler('default')
export class SiteActionsController {
  constructor(
    private readonly sites: SitesService,
    private readonly sectors: SectorsService,
    private readonly context: TenantContext,
  ) {}

  @Get()
  @OptionalAuth()
  @ApiKeyAllowed()
  @Roles('viewer')
  @ApiOperation({
    summary: 'List (sites)',
    description:
      'With credentials: the visible sites. Without credentials, `?slug=<slug>` looks up one active site ' +
      'and returns only `{id, name, slug, domain}`; without credentials and without `slug` → 401.',
  })
  @ApiListQuery(SITES_LIST)
  @ApiPaginated(SiteDto)
  list(@Query() query: RawQuery, @Req() request: FastifyRequest) {
    if (!this.context.principal) return this.sites.publicLookup(query, request);
    return this.sites.list(query, request);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Create (sites)',
    description: 'The response carries the full `api_key`, shown only here.',
  })
  @ApiBody({ type: CreateSiteDto })
  @ApiData(CreatedSiteDto, { status: 201, description: 'Created' })
  create(@BodyAs(CreateSiteDto) body: CreateSiteDto) {
    return this.sites.create(body);
  }

  @Post(':id/set_active')
  @HttpCode(200)
  @Roles('viewer')
  @ApiOperation({ summary: "Make the site the caller's active site" })
  @ApiData(SiteDto)
  setActive(@Param('id', IdPipe) id: number) {
    return this.sites.setActive(id);
  }

  @Post(':id/select_sectors')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: "Choose the site's industry and sectors (1–5)" })
  @ApiBody({ type: SelectSectorsDto })
  @ApiData(SelectSectorsResultDto)
  selectSectors(@Param('id', IdPipe) id: number, @BodyAs(SelectSectorsDto) body: SelectSectorsDto) {
    return this.sectors.selectSectors(id, body);
  }

  @Get(':id/sectors')
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({ summary: "The site's sectors" })
  @ApiData(SectorDto, { isArray: true })
  siteSectors(@Param('id', IdPipe) id: number) {
    return this.sectors.forSite(id);
  }

  @Post(':id/regenerate_api_key')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Replace the site API key (the old key stops working at once)' })
  @ApiData(RegeneratedKeyDto)
  regenerateApiKey(@Param('id', IdPipe) id: number) {
    return this.sites.regenerateApiKey(id);
  }
}
