import { ApiProperty } from '@nestjs/swagger';
import type { EntityManager } from 'typeorm';
import { tenantQuery } from '../../../common/tenancy/tenant-sql.js';
import { Account } from '../../identity/entities/account.entity.js';
import { Site } from '../../identity/entities/site.entity.js';
import type { IntegrationsService } from '../integrations.service.js';

class KeySiteDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty({ nullable: true, type: String }) domain: string | null;
  @ApiProperty() is_active: boolean;
}

class KeyAccountDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty() status: string;
}

class KeyIntegrationDto {
  @ApiProperty() id: number;
  @ApiProperty() auth_mode: string;
  @ApiProperty() external_site_url: string;
  @ApiProperty() connection_status: string;
  @ApiProperty() is_active: boolean;
}

/** `GET integration/whoami/`: the site and account a site API key speaks for. */
export class SiteKeyIdentityDto {
  @ApiProperty({ type: KeySiteDto }) site: KeySiteDto;
  @ApiProperty({ type: KeyAccountDto }) account: KeyAccountDto;
  @ApiProperty({ type: KeyIntegrationDto, nullable: true }) integration: KeyIntegrationDto | null;
}

/** The key's site (visible to the key only), its account and its WordPress integration. */
export async function siteKeyIdentity(
  manager: EntityManager,
  integrations: IntegrationsService,
  siteId: number,
): Promise<SiteKeyIdentityDto> {
  const site = await tenantQuery(manager, Site, 's').andWhere('s.id = :id', { id: siteId }).getOneOrFail();
  const account = await tenantQuery(manager, Account, 'a')
    .andWhere('a.id = :id', { id: site.account_id })
    .getOneOrFail();
  const integration = await integrations.forSite(siteId, manager);
  return {
    site: { id: site.id, name: site.name, slug: site.slug, domain: site.domain, is_active: site.is_active },
    account: { id: account.id, name: account.name, status: account.status },
    integration: integration && {
      id: integration.id,
      auth_mode: integration.auth_mode,
      external_site_url: integration.external_site_url,
      connection_status: integration.connection_status,
      is_active: integration.is_active,
    },
  };
}
