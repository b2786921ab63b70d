import { applyDecorators, Controller, Get, Injectable, Param, Patch, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { Roles } from '../../common/auth/auth.decorators.js';
import { ApiError, type FieldErrors } from '../../common/http/error-codes.js';
import { Bool, Text } from '../../common/http/fields.js';
import { IdPipe } from '../../common/http/id.pipe.js';
import { Paginated } from '../../common/http/responses.js';
import { BodyAs } from '../../common/http/validation.pipe.js';
import { ApiListQuery, defineList, filter, type RawQuery } from '../../common/list/index.js';
import { ListService } from '../../common/list/list.service.js';
import { EmailTemplate } from '../../common/mail/email-template.entity.js';
import { placeholders } from '../../common/mail/template-store.js';
import { ApiData, ApiPaginated } from '../../common/openapi/api-responses.decorator.js';
import { globalQuery } from '../../common/tenancy/tenant-sql.js';
import { UseThrottler } from '../../common/throttling/throttle.decorator.js';

const BODY_MAX = 100_000;

export class UpdateEmailTemplateDto {
  @Text({ max: 255, blank: false }) subject?: string;
  @Text({ max: BODY_MAX, blank: false }) html_body?: string;
  @Text({ max: BODY_MAX }) text_body?: string;
  @Bool() is_active?: boolean;
}

class EmailTemplateDto {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty() template_key: string;
  @ApiProperty() subject: string;
  @ApiProperty() html_body: string;
  @ApiProperty() text_body: string;
  @ApiProperty({ type: String, isArray: true, description: 'The `{{placeholders}}` the sender fills.' })
  variables: string[];
  @ApiProperty() is_active: boolean;
}

const EMAIL_TEMPLATES_LIST = defineList({
  filters: { is_active: filter.boolean('t.is_active') },
  search: ['t.template_key', 't.subject'],
  ordering: {
    fields: { template_key: 't.template_key', updated_at: 't.updated_at' },
    default: 'template_key',
  },
});

const TEXT_FIELDS = ['subject', 'html_body', 'text_body'] as const;

/**
 * `system/email-templates/` (docs/system.md#email-templates): developers edit the subject and bodies
 * of the emails. A text may only use the template's `variables`; any other `{{name}}` is a 400 on
 * the field naming it (it would render empty).
 */
@Injectable()
export class EmailTemplatesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly lists: ListService,
  ) {}

  async list(raw: RawQuery, request: FastifyRequest): Promise<Paginated<EmailTemplate>> {
    const qb = globalQuery(this.dataSource.manager, EmailTemplate, 't');
    const page = await this.lists.list(qb, EMAIL_TEMPLATES_LIST, raw, request);
    return new Paginated(page.count, page.next, page.previous, page.results);
  }

  async get(id: number): Promise<EmailTemplate> {
    const row = await globalQuery(this.dataSource.manager, EmailTemplate, 't')
      .where('t.id = :id', { id })
      .getOne();
    if (!row) throw ApiError.notFound();
    return row;
  }

  async update(id: number, body: UpdateEmailTemplateDto): Promise<EmailTemplate> {
    const row = await this.get(id);
    const errors: FieldErrors = {};
    for (const field of TEXT_FIELDS) {
      const text = body[field];
      if (text === undefined) continue;
      const unknown = placeholders(text).filter((name) => !row.variables.includes(name));
      if (unknown.length > 0) {
        errors[field] = [
          `Unknown variable${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => `{{${name}}}`).join(', ')}; ` +
            `available: ${row.variables.map((name) => `{{${name}}}`).join(', ') || 'none'}.`,
        ];
      }
    }
    if (Object.keys(errors).length > 0) throw ApiError.validation(errors);
    for (const field of TEXT_FIELDS) if (body[field] !== undefined) row[field] = body[field];
    if (body.is_active !== undefined) row.is_active = body.is_active;
    return this.dataSource.manager.save(EmailTemplate, row);
  }
}

const DevRead = () => applyDecorators(Roles('dev'), UseThrottler('system'));

/** `system/email-templates/`: the email texts (developers). */
@ApiTags('system')
@Controller('api/v1/system/email-templates')
export class EmailTemplatesController {
  constructor(private readonly templates: EmailTemplatesService) {}

  @Get()
  @DevRead()
  @ApiOperation({ summary: 'Email templates (developers)' })
  @ApiListQuery(EMAIL_TEMPLATES_LIST)
  @ApiPaginated(EmailTemplateDto)
  list(@Query() query: RawQuery, @Req() request: FastifyRequest) {
    return this.templates.list(query, request);
  }

  @Get(':id')
  @DevRead()
  @ApiOperation({ summary: 'One email template (developers)' })
  @ApiData(EmailTemplateDto)
  get(@Param('id', IdPipe) id: number) {
    return this.templates.get(id);
  }

  @Patch(':id')
  @Roles('dev')
  @UseThrottler('system_admin')
  @ApiOperation({
    summary: 'Change an email template (developers)',
    description: 'Texts may use only the template’s `variables`; another `{{name}}` is a 400 naming it.',
  })
  @ApiBody({ type: UpdateEmailTemplateDto })
  @ApiData(EmailTemplateDto)
  update(@Param('id', IdPipe) id: number, @BodyAs(UpdateEmailTemplateDto) body: UpdateEmailTemplateDto) {
    return this.templates.update(id, body);
  }
}
