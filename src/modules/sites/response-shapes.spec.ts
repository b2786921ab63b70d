import { describe, expectTypeOf, it } from 'vitest';
import type { SectorDto } from './dto/sector.dto.js';
import type { PublicSiteDto, RegeneratedKeyDto, SiteDto } from './dto/site.dto.js';
import type { PublicSiteView, SectorView, SiteView } from './presenters.js';
import type { RegeneratedKeyView } from './sites.service.js';

describe('sites response shapes', () => {
  it('each view has exactly the fields of its response DTO', () => {
    expectTypeOf<keyof SiteView>().toEqualTypeOf<keyof SiteDto>();
    expectTypeOf<keyof PublicSiteView>().toEqualTypeOf<keyof PublicSiteDto>();
    expectTypeOf<keyof SectorView>().toEqualTypeOf<keyof SectorDto>();
    expectTypeOf<keyof RegeneratedKeyView>().toEqualTypeOf<keyof RegeneratedKeyDto>();
  });
});
