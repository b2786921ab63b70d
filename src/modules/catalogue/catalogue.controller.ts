import { applyDecorators, Controller, Delete, Get, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiKeyAllowed, OptionalAuth, Roles, SkipAccountGate } from '../../common/auth/auth.decorators.js';
import { IdPipe } from '../../common/http/id.pipe.js';
import { DELETED, type WithMessage } from '../../common/http/responses.js';
import { BodyAs } from '../../common/http/validation.pipe.js';
import { ApiListQuery, type RawQuery } from '../../common/list/index.js';
import { ApiData, ApiErrorResponse, ApiPaginated } from '../../common/openapi/api-responses.decorator.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';
import { PlanDto } from './dto/plan.dto.js';
import { CatalogueService } from './catalogue.service.js';
import {
  CreateSeedKeywordDto,
  IndustryDto,
  SectorStatDto,
  SeedKeywordDto,
  UpdateSeedKeywordDto,
} from './dto/catalogue.dto.js';
import { KEYWORD_LIBRARY_LIST, KeywordLibraryService } from './keyword-library.service.js';

/**
 * Public reference data: no credentials needed, but credentials that are sent are validated, and
 * the account status gate does not apply.
 */
const PublicCatalogue = () => applyDecorators(OptionalAuth(), SkipAccountGate());

@ApiTags('auth')
@Controller('api/v1/auth/plans')
@PublicCatalogue()
@UseThrottler(null)
export class PlansController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get()
  @ApiOperation({ summary: 'Active public plans, by sort order' })
  @ApiData(PlanDto, { isArray: true })
  list() {
    return this.catalogue.plans();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One public plan (internal and inactive plans are 404)' })
  @ApiData(PlanDto)
  get(@Param('id', IdPipe) id: number) {
    return this.catalogue.plan(id);
  }
}

@ApiTags('auth')
@Controller('api/v1/auth/industries')
@PublicCatalogue()
@UseThrottler('default')
export class IndustriesController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get()
  @ApiOperation({ summary: 'Active industries with their active sectors' })
  @ApiData(IndustryDto, { isArray: true })
  list() {
    return this.catalogue.industries();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One active industry with its active sectors' })
  @ApiData(IndustryDto)
  get(@Param('id', IdPipe) id: number) {
    return this.catalogue.industry(id);
  }
}

const DevWrite = () => applyDecorators(Roles('dev'), UseThrottler('system_admin'));

/** `auth/keywords-library/`; `auth/seed-keywords/` below is the same controller. */
@ApiTags('auth')
@Controller('api/v1/auth/keywords-library')
@UseThrottler('default')
export class KeywordLibraryController {
  constructor(private readonly library: KeywordLibraryService) {}

  @Get()
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({
    summary: 'Active seed keywords',
    description: '`site_id` naming a site the caller cannot see gives an empty list.',
  })
  @ApiListQuery(KEYWORD_LIBRARY_LIST)
  @ApiPaginated(SeedKeywordDto)
  list(@Query() query: RawQuery, @Req() request: FastifyRequest) {
    return this.library.list(query, request);
  }

  @Get('sector_stats')
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({ summary: 'Seed keyword count and total volume per sector of an industry' })
  @ApiQuery({ name: 'industry_id', required: true, schema: { type: 'integer', minimum: 1 } })
  @ApiData(SectorStatDto, { isArray: true })
  sectorStats(@Query() query: RawQuery) {
    return this.library.sectorStats(query);
  }

  @Get(':id')
  @Roles('viewer')
  @ApiKeyAllowed()
  @ApiOperation({ summary: 'One seed keyword' })
  @ApiData(SeedKeywordDto)
  get(@Param('id', IdPipe) id: number) {
    return this.library.get(id);
  }

  @Post()
  @DevWrite()
  @ApiOperation({ summary: 'Create a seed keyword (developers)' })
  @ApiBody({ type: CreateSeedKeywordDto })
  @ApiData(SeedKeywordDto, { status: 201, description: 'Created' })
  create(@BodyAs(CreateSeedKeywordDto) body: CreateSeedKeywordDto) {
    return this.library.create(body);
  }

  @Patch(':id')
  @DevWrite()
  @ApiOperation({ summary: 'Update a seed keyword (developers)' })
  @ApiBody({ type: UpdateSeedKeywordDto })
  @ApiData(SeedKeywordDto)
  update(@Param('id', IdPipe) id: number, @BodyAs(UpdateSeedKeywordDto) body: UpdateSeedKeywordDto) {
    return this.library.update(id, body);
  }

  @Delete(':id')
  @DevWrite()
  @ApiOperation({
    summary: 'Delete a seed keyword for good (developers); 409 `in_use` while keywords use it',
  })
  @ApiData(null, { description: 'Deleted' })
  @ApiErrorResponse(409, 'Keywords still use it (`in_use`)')
  async remove(@Param('id', IdPipe) id: number): Promise<WithMessage<null>> {
    await this.library.remove(id);
    return DELETED;
  }
}

/** The original API's name for the keyword library. */
@Controller('api/v1/auth/seed-keywords')
export class SeedKeywordsController extends KeywordLibraryController {}
