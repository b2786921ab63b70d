import { describe, expect, expectTypeOf, it } from 'vitest';
import { assertRowSchemaOf } from '../../common/http/page-schema.js';
import type { ClusterDto } from './dto/clusters.dto.js';
import type { IdeaDto } from './dto/ideas.dto.js';
import { KeywordDto } from './dto/keywords.dto.js';
import { type ClusterView, type IdeaView, KEYWORD_SCHEMA, type KeywordView } from './presenters.js';

/* What the presenters produce, what the list serializer writes and what OpenAPI shows are one shape. */

describe('planner response shapes', () => {
  it('the keyword list serializer types exactly the fields of KeywordDto, as it types them', () => {
    expect(() => assertRowSchemaOf(KeywordDto, KEYWORD_SCHEMA)).not.toThrow();
  });

  it('each view has exactly the fields of its response DTO', () => {
    expectTypeOf<keyof KeywordView>().toEqualTypeOf<keyof KeywordDto>();
    expectTypeOf<keyof ClusterView>().toEqualTypeOf<keyof ClusterDto>();
    expectTypeOf<keyof IdeaView>().toEqualTypeOf<keyof IdeaDto>();
  });
});
