import { ApiProperty, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ERROR_CODES } from '../../src/common/http/error-codes.js';
import { assertUniqueSchemaNames, schemaClasses } from '../../src/common/openapi/schema-names.js';
import { createTestApp, type TestApp } from '../support/app.js';

type Json = Record<string, unknown>;
interface Parameter {
  name: string;
  in: string;
  schema?: Json;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: unknown;
  security?: unknown[];
  responses: Record<string, Json>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

describe('OpenAPI document', () => {
  let t: TestApp;
  let document: OpenAPIObject;
  let createDocument: ReturnType<typeof vi.spyOn>;
  const operations: [string, string, Operation][] = [];

  beforeAll(async () => {
    createDocument = vi.spyOn(SwaggerModule, 'createDocument');
    t = await createTestApp({ redis: false });
  });
  afterAll(async () => {
    createDocument.mockRestore();
    await t.close();
  });

  it('is not built at boot, then built once on the first request and kept', async () => {
    expect(createDocument).not.toHaveBeenCalled();
    const res = await t.request({ method: 'GET', url: '/api/schema/' });
    expect(res.statusCode).toBe(200);
    document = res.json<OpenAPIObject>();
    expect((await t.request({ method: 'GET', url: '/api/schema.yaml' })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: '/api/docs/swagger-ui-init.js' })).statusCode).toBe(200);
    expect(createDocument).toHaveBeenCalledTimes(1);
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of METHODS) {
        const operation = (item as Record<string, Operation | undefined>)[method];
        if (operation) operations.push([method, path, operation]);
      }
    }
    expect(operations.length).toBeGreaterThan(150);
  });

  it('lists paths with the trailing slash clients call, and the server answers both forms', async () => {
    expect(Object.keys(document.paths).filter((path) => !path.endsWith('/'))).toEqual([]);
    expect(document.paths['/api/v1/auth/register/']?.post).toBeDefined();
    for (const url of ['/api/ping', '/api/ping/']) {
      expect((await t.request({ method: 'GET', url })).statusCode).toBe(200);
    }
  });

  it('gives every operation a distinct, clean operationId (alias paths included)', () => {
    const ids = operations.map(([, , operation]) => operation.operationId);
    expect(ids.filter((id) => !/^[a-z][a-z0-9_]*$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    const id = (method: string, path: string) => document.paths[path]?.[method as 'get']?.operationId;
    expect(id('get', '/api/v1/billing/credits/balance/')).toBe('billing_credits_balance');
    expect(id('get', '/api/v1/billing/transactions/balance/')).toBe('billing_transactions_balance');
    expect(id('post', '/api/v1/planner/keywords/bulk_status/')).toBe('planner_keywords_bulk_status');
  });

  it('types writer tasks and AI tasks with their own schemas', () => {
    const data = (method: string, path: string) =>
      JSON.stringify((document.paths[path] as Record<string, Operation>)[method].responses['200']);
    expect(data('get', '/api/v1/writer/tasks/{id}/')).toContain('"#/components/schemas/TaskDto"');
    expect(data('get', '/api/v1/writer/tasks/')).toContain('"#/components/schemas/TaskDto"');
    expect(data('get', '/api/v1/system/tasks/')).toContain('"#/components/schemas/AiTaskDto"');
    expect(document.components?.schemas?.TaskDto).toMatchObject({
      properties: { title: expect.any(Object) },
    });
  });

  it('documents page, page_size, ordering (enum with `-` forms), search and typed filters on every list', () => {
    const lists = operations.filter(([, , operation]) =>
      JSON.stringify(operation.responses['200'] ?? {}).includes('"results"'),
    );
    expect(lists.length).toBeGreaterThanOrEqual(33);
    for (const [method, path, operation] of lists) {
      const names = (operation.parameters ?? []).map((p) => p.name);
      expect(names, `${method} ${path}`).toEqual(expect.arrayContaining(['page', 'page_size', 'ordering']));
      const ordering = operation.parameters!.find((p) => p.name === 'ordering')!.schema as { enum: string[] };
      expect(ordering.enum.length, `${method} ${path}`).toBeGreaterThan(0);
      for (const value of ordering.enum.filter((v) => !v.startsWith('-'))) {
        expect(ordering.enum).toContain(`-${value}`);
      }
    }
    const keywords = new Map(
      document.paths['/api/v1/planner/keywords/'].get!.parameters!.map((p) => [(p as Parameter).name, p]),
    );
    expect(keywords.get('search')).toBeDefined();
    expect(keywords.get('volume_min')).toMatchObject({ schema: { type: 'integer' } });
    expect(keywords.get('ids')).toMatchObject({ schema: { type: 'string', pattern: expect.any(String) } });
    expect(keywords.get('cluster_id')).toMatchObject({
      schema: { oneOf: [{ type: 'integer', format: 'int64' }, { enum: ['null'] }] },
    });
    expect(keywords.get('disabled')).toMatchObject({ schema: { type: 'boolean' } });
    const trash = document.paths['/api/v1/planner/keywords/trash/'].get!.parameters!;
    expect(JSON.stringify(trash)).toContain('"-deleted_at"');
    const options = JSON.stringify(document.paths['/api/v1/planner/keywords/filter_options/'].get!.responses);
    expect(options).toContain('"#/components/schemas/FilterOptionDto"');
    expect(options).toContain('"cluster_id"');
  });

  it('documents the error answers with the envelope, whose code is the error catalogue', () => {
    expect(document.components?.schemas?.ErrorCode).toEqual({
      type: 'string',
      enum: Object.keys(ERROR_CODES),
    });
    const statuses = (method: string, path: string) =>
      Object.keys((document.paths[path] as Record<string, Operation>)[method].responses).sort();
    // Public, unthrottled, no input beyond the URL.
    expect(statuses('get', '/api/ping/')).toEqual(['200', '400']);
    // Public with a body, throttled, plus its own 401.
    expect(statuses('post', '/api/v1/auth/login/')).toEqual(['200', '400', '401', '413', '415', '429']);
    // Authenticated, gated, path id, body.
    expect(statuses('patch', '/api/v1/planner/keywords/{id}/')).toEqual(
      ['200', '400', '401', '402', '403', '404', '413', '415', '429'].sort(),
    );
    // Gate-exempt (no 402 of the account gate).
    expect(statuses('get', '/api/v1/billing/credits/balance/')).not.toContain('402');
    // An AI action: queued (202), credits (402), queue down (503).
    expect(statuses('post', '/api/v1/planner/keywords/auto_cluster/')).toEqual(
      expect.arrayContaining(['202', '402', '503']),
    );
    // Idempotent routes answer 409 for a reused key.
    const idempotent = operations.filter(([, , op]) =>
      (op.parameters ?? []).some((p) => p.name === 'Idempotency-Key'),
    );
    expect(idempotent.length).toBeGreaterThan(0);
    for (const [, , operation] of idempotent) expect(operation.responses['409']).toBeDefined();
    for (const [method, path, operation] of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!status.startsWith('4') && !status.startsWith('5')) continue;
        const target = response.$ref
          ? document.components!.responses![(response.$ref as string).split('/').pop()!]
          : response;
        expect(JSON.stringify(target), `${method} ${path} ${status}`).toContain(
          '#/components/schemas/ErrorEnvelope',
        );
      }
    }
  });

  it('types every id as a 64-bit integer', () => {
    const loose: string[] = [];
    const visit = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((item) => visit(item, where));
      if (typeof node !== 'object' || node === null) return;
      const record = node as Json;
      const properties = (record.properties ?? {}) as Record<string, Json>;
      for (const [name, schema] of Object.entries(properties)) {
        if (!/^(id|ids|.+_id|.+_ids)$/.test(name)) continue;
        const leaf = (schema.type === 'array' ? schema.items : schema) as Json;
        if ((leaf.type === 'integer' || leaf.type === 'number') && leaf.format !== 'int64')
          loose.push(`${where}.${name}`);
      }
      for (const [key, value] of Object.entries(record)) visit(value, `${where}/${key}`);
    };
    visit(document, '#');
    expect(loose).toEqual([]);
    const get = document.paths['/api/v1/planner/keywords/{id}/'].get!;
    expect(get.parameters).toContainEqual(
      expect.objectContaining({ name: 'id', in: 'path', schema: { type: 'integer', format: 'int64' } }),
    );
  });

  it('documents the response headers', () => {
    const headers = document.components?.headers ?? {};
    for (const name of [
      'X-Request-ID',
      'X-Throttle-Limit',
      'X-Throttle-Remaining',
      'X-Throttle-Reset',
      'Retry-After',
      'Idempotent-Replayed',
    ]) {
      expect(headers[name], name).toBeDefined();
    }
    const list = document.paths['/api/v1/planner/keywords/'].get!.responses['200'] as unknown as Json;
    expect(Object.keys(list.headers as Json)).toEqual(
      expect.arrayContaining([
        'X-Request-ID',
        'X-Throttle-Limit',
        'X-Throttle-Remaining',
        'X-Throttle-Reset',
      ]),
    );
    expect(JSON.stringify(document.components!.responses!.TooManyRequests)).toContain('Retry-After');
    const [, , idempotent] = operations.find(([, , op]) =>
      (op.parameters ?? []).some((p) => p.name === 'Idempotency-Key'),
    )!;
    const success = Object.entries(idempotent.responses).find(([status]) => status.startsWith('2'))![1];
    expect(Object.keys(success.headers as Json)).toContain('Idempotent-Replayed');
  });

  it('refuses two classes published under one schema name', () => {
    const make = () => {
      class SharedNameDto {
        @ApiProperty() title: string;
      }
      return SharedNameDto;
    };
    expect(() => assertUniqueSchemaNames(schemaClasses(t.app))).not.toThrow();
    expect(() => assertUniqueSchemaNames(schemaClasses(t.app, [make(), make()]))).toThrow(
      /"SharedNameDto" \(2 classes\)/,
    );
    // Nested use counts too: a property typed with the second class.
    const First = make();
    class HolderDto {
      @ApiProperty({ type: () => make() }) nested: unknown;
    }
    expect(() => assertUniqueSchemaNames(schemaClasses(t.app, [First, HolderDto]))).toThrow(/SharedNameDto/);
  });
});
