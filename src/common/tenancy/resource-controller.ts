import {
  applyDecorators,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  type Type,
} from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { ThrottleScope } from '../../config/config.schema.js';
import { ApiKeyAllowed, Roles } from '../auth/auth.decorators.js';
import type { RoleMark } from '../auth/roles.js';
import { IdPipe } from '../http/id.pipe.js';
import { DeletedCountDto, IdsDto, PurgeResultDto } from '../http/ids.dto.js';
import { assertRowSchemaOf, type FieldSchema, pageSchema } from '../http/page-schema.js';
import { DELETED, type Paginated, WithMessage } from '../http/responses.js';
import { BodyAs } from '../http/validation.pipe.js';
import type { FilterOptions } from '../list/filter-options.js';
import { ApiFilterOptions, ApiListQuery } from '../list/list-openapi.js';
import type { RawQuery } from '../list/list-query.js';
import type { ListSpec } from '../list/list-spec.js';
import { ApiData, ApiErrorResponse, ApiPaginated } from '../openapi/api-responses.decorator.js';
import { UseThrottler } from '../throttling/throttle.decorator.js';
import { trashListSpec } from './scoped-resource.js';

/** What a resource service offers the generated routes (ScopedResource provides all but create/update). */
export interface ResourceService<V> {
  list(raw: RawQuery, request: FastifyRequest, options?: { trash?: boolean }): Promise<Paginated<V>>;
  filterOptions(raw: RawQuery): Promise<FilterOptions>;
  get(id: number): Promise<V>;
  create?(body: object): Promise<V>;
  update?(id: number, body: object, options: { partial: boolean }): Promise<V>;
  remove(id: number): Promise<void>;
  bulkDelete(ids: number[]): Promise<{ deleted_count: number }>;
  restore(id: number): Promise<V>;
  purge(ids: number[]): Promise<{ purged_count: number; not_found_ids: number[] }>;
}

type Route =
  | 'list'
  | 'filterOptions'
  | 'get'
  | 'create'
  | 'update'
  | 'remove'
  | 'bulkDelete'
  | 'trash'
  | 'restore'
  | 'purge';

export interface ResourceRoutes {
  /** Full path, e.g. `api/v1/auth/sites`. */
  path: string;
  /** Class and operation-id prefix, e.g. `Sites` → `SitesController`, `sites_list`. */
  name: string;
  tag: string;
  /** Response schema of one object. */
  model: Type<unknown>;
  /** The list declaration (documents the query of list, trash and filter_options); required with them. */
  list?: ListSpec;
  /**
   * JSON types of the fields of one list row, exactly those of `model`: list pages are then written by
   * a compiled serializer.
   */
  listRow?: Readonly<Record<string, FieldSchema>>;
  createDto?: Type<unknown>;
  updateDto?: Type<unknown>;
  roles: { read: RoleMark; write: RoleMark; trash: RoleMark };
  /** API-key access (docs/api-conventions.md#roles-and-visibility): reads and/or writes. */
  apiKey?: { read?: boolean; write?: boolean };
  throttle: { read: ThrottleScope; write: ThrottleScope };
  /** Routes to leave out (default: all present; create/update only with their DTO). */
  without?: Route[];
}

const when = (condition: boolean, ...decorators: (MethodDecorator & ClassDecorator)[]) =>
  applyDecorators(...(condition ? decorators : []));

/**
 * Builds the standard controller of a tenant resource (docs/tenancy.md#scoped-repositories): list,
 * filter_options, retrieve, create, PUT/PATCH, delete, bulk_delete, trash, restore, purge —
 * with roles, API-key allowance, throttle scopes and OpenAPI shapes declared once.
 */
export function resourceController(
  routes: ResourceRoutes,
  service: Type<ResourceService<unknown>>,
): Type<unknown> {
  const read = applyDecorators(
    Roles(routes.roles.read),
    UseThrottler(routes.throttle.read),
    when(!!routes.apiKey?.read, ApiKeyAllowed()),
  );
  const write = applyDecorators(
    Roles(routes.roles.write),
    UseThrottler(routes.throttle.write),
    when(!!routes.apiKey?.write, ApiKeyAllowed()),
  );
  const admin = applyDecorators(Roles(routes.roles.trash), UseThrottler(routes.throttle.write));
  if (routes.listRow) assertRowSchemaOf(routes.model, routes.listRow);
  const page = when(
    routes.listRow !== undefined,
    RouteSchema({ response: { 200: pageSchema(routes.listRow ?? {}) } }),
  );
  const summary = (text: string) => ApiOperation({ summary: `${text} (${routes.name.toLowerCase()})` });
  const excluded: Route[] = [...(routes.without ?? [])];
  if (!routes.createDto) excluded.push('create');
  if (!routes.updateDto) excluded.push('update');
  const lists = (['list', 'trash', 'filterOptions'] as const).filter((route) => !excluded.includes(route));
  if (lists.length > 0 && !routes.list) {
    throw new Error(`${routes.name}: the routes ${lists.join(', ')} need the list declaration (list)`);
  }
  const spec = routes.list ?? { filters: {}, ordering: { fields: {}, default: '' } };

  @ApiTags(routes.tag)
  @Controller(routes.path)
  class GeneratedResourceController {
    constructor(@Inject(service) readonly service: ResourceService<unknown>) {}

    @Get()
    @read
    @page
    @summary('List')
    @ApiListQuery(spec)
    @ApiPaginated(routes.model)
    list(@Query() query: RawQuery, @Req() request: FastifyRequest) {
      return this.service.list(query, request);
    }

    @Get('filter_options')
    @read
    @summary('Filter options')
    @ApiFilterOptions(spec)
    filterOptions(@Query() query: RawQuery) {
      return this.service.filterOptions(query);
    }

    @Get('trash')
    @admin
    @page
    @summary('List deleted rows')
    @ApiListQuery(trashListSpec(spec, 'trash'))
    @ApiPaginated(routes.model)
    trash(@Query() query: RawQuery, @Req() request: FastifyRequest) {
      return this.service.list(query, request, { trash: true });
    }

    @Post('bulk_delete')
    @HttpCode(200)
    @write
    @summary('Soft-delete several')
    @ApiBody({ type: IdsDto })
    @ApiData(DeletedCountDto)
    bulkDelete(@BodyAs(IdsDto) body: IdsDto) {
      return this.service.bulkDelete(body.ids);
    }

    @Post('purge')
    @HttpCode(200)
    @admin
    @summary('Hard-delete rows from the trash')
    @ApiBody({ type: IdsDto })
    @ApiData(PurgeResultDto)
    @ApiErrorResponse(409, 'A row is still referenced (`in_use`)')
    purge(@BodyAs(IdsDto) body: IdsDto) {
      return this.service.purge(body.ids);
    }

    @Get(':id')
    @read
    @summary('Retrieve')
    @ApiData(routes.model)
    get(@Param('id', IdPipe) id: number) {
      return this.service.get(id);
    }

    @Post()
    @write
    @summary('Create')
    @ApiBody({ type: routes.createDto ?? Object })
    @ApiData(routes.model, { status: 201, description: 'Created' })
    create(@BodyAs(routes.createDto ?? Object) body: object) {
      return this.service.create!(body);
    }

    @Put(':id')
    @write
    @summary('Replace')
    @ApiBody({ type: routes.updateDto ?? Object })
    @ApiData(routes.model)
    replace(@Param('id', IdPipe) id: number, @BodyAs(routes.updateDto ?? Object) body: object) {
      return this.service.update!(id, body, { partial: false });
    }

    @Patch(':id')
    @write
    @summary('Update')
    @ApiBody({ type: routes.updateDto ?? Object })
    @ApiData(routes.model)
    update(@Param('id', IdPipe) id: number, @BodyAs(routes.updateDto ?? Object) body: object) {
      return this.service.update!(id, body, { partial: true });
    }

    @Delete(':id')
    @write
    @summary('Soft-delete')
    @ApiData(null, { description: 'Deleted' })
    async remove(@Param('id', IdPipe) id: number): Promise<WithMessage<null>> {
      await this.service.remove(id);
      return DELETED;
    }

    @Post(':id/restore')
    @HttpCode(200)
    @admin
    @summary('Restore from the trash')
    @ApiData(routes.model)
    @ApiErrorResponse(
      409,
      'Its parent is in the trash, or a live row holds the same unique value (`conflict`)',
    )
    restore(@Param('id', IdPipe) id: number) {
      return this.service.restore(id);
    }
  }

  const methods: Record<Route, string[]> = {
    list: ['list'],
    filterOptions: ['filterOptions'],
    get: ['get'],
    create: ['create'],
    update: ['replace', 'update'],
    remove: ['remove'],
    bulkDelete: ['bulkDelete'],
    trash: ['trash'],
    restore: ['restore'],
    purge: ['purge'],
  };
  const prototype = GeneratedResourceController.prototype as unknown as Record<string, unknown>;
  for (const route of excluded) for (const name of methods[route]) delete prototype[name];
  Object.defineProperty(GeneratedResourceController, 'name', { value: `${routes.name}Controller` });
  return GeneratedResourceController;
}
