import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import type { Principal } from '../../common/context/request-context.js';
import { TenantContext } from '../../common/context/tenant-context.service.js';
import { ApiError } from '../../common/http/error-codes.js';
import { insertOrIgnore } from '../../common/tenancy/tenant-sql.js';
import {
  type HealthStatus,
  PluginDownload,
  PluginInstallation,
} from './entities/plugin-installation.entity.js';
import { Plugin, PluginVersion } from './entities/plugin.entity.js';
import { compareVersions, type PluginRelease, readReleases } from './plugin-releases.js';
import type { CheckUpdateDto, HealthCheckDto, RegisterInstallationDto } from './dto/plugins.dto.js';

/** The WordPress bridge plugin, the one plugin distributed so far. */
export const BRIDGE_PLUGIN = {
  slug: 'igny8-wp-bridge',
  name: 'IGNY8 WordPress Bridge',
  platform: 'wordpress',
  description: 'Connects a WordPress site to IGNY8 for publishing and status sync.',
} as const;

export interface UpdateCheck {
  update_available: boolean;
  latest_version: string | null;
  download_url: string | null;
  changelog: string;
  checksum_sha256: string | null;
  min_wp_version: string | null;
  min_php_version: string | null;
}

export interface PluginDownloadFile {
  stream: Readable;
  fileName: string;
  size: number;
  checksum: string;
  version: string;
}

export type InstallationView = Omit<PluginInstallation, 'health_details'> & { update_available: boolean };

/** Who downloads: the address and agent of the request, and its principal when it carried credentials. */
export interface Downloader {
  ip: string | null;
  userAgent: string;
  principal: Principal | undefined;
}

/**
 * Plugin distribution (docs/wordpress-plugin.md): the release zips `npm run plugin:zip` writes to
 * PLUGIN_RELEASES_DIR become PluginVersion rows (released) the first time they are seen; downloads,
 * update checks and the installations the plugin registers are recorded.
 */
@Injectable()
export class PluginsService {
  /** The releases last copied into the tables, so an unchanged directory costs one listing. */
  private syncedSignature = '';

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly tenant: TenantContext,
  ) {}

  private get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** The bridge plugin's row, with the releases on disk copied into its versions. */
  private async plugin(): Promise<Plugin> {
    const releases = await readReleases(this.config.pluginReleasesDir, BRIDGE_PLUGIN.slug);
    const signature = releases.map((r) => `${r.version}:${r.checksum_sha256}`).join(',');
    let plugin = await this.manager.findOneBy(Plugin, { slug: BRIDGE_PLUGIN.slug });
    if (plugin && signature === this.syncedSignature) return plugin;
    if (!plugin) {
      await this.manager
        .upsert(Plugin, { ...BRIDGE_PLUGIN }, { conflictPaths: ['slug'], skipUpdateIfNoValuesChanged: true })
        .catch(() => undefined);
      plugin = await this.manager.findOneByOrFail(Plugin, { slug: BRIDGE_PLUGIN.slug });
    }
    if (releases.length) {
      await this.manager.upsert(
        PluginVersion,
        releases.map((release) => this.versionRow(plugin.id, release)),
        { conflictPaths: ['plugin_id', 'version'] },
      );
    }
    this.syncedSignature = signature;
    return plugin;
  }

  private versionRow(pluginId: number, release: PluginRelease): Partial<PluginVersion> {
    return {
      plugin_id: pluginId,
      version: release.version,
      status: 'released',
      file_path: release.file,
      file_size: release.file_size,
      checksum_sha256: release.checksum_sha256,
      changelog: release.changelog,
      min_wp_version: release.min_wp_version,
      min_php_version: release.min_php_version,
      released_at: release.released_at ? new Date(release.released_at) : null,
    };
  }

  /** Released versions, newest first. */
  private async released(plugin: Plugin): Promise<PluginVersion[]> {
    const versions = await this.manager.findBy(PluginVersion, { plugin_id: plugin.id, status: 'released' });
    return versions.sort((a, b) => compareVersions(b.version, a.version));
  }

  private async latest(plugin: Plugin): Promise<PluginVersion | null> {
    return (await this.released(plugin))[0] ?? null;
  }

  async info(): Promise<{
    name: string;
    slug: string;
    latest_version: string | null;
    changelog: string;
    released_at: Date | null;
  }> {
    const plugin = await this.plugin();
    const latest = await this.latest(plugin);
    return {
      name: plugin.name,
      slug: plugin.slug,
      latest_version: latest?.version ?? null,
      changelog: latest?.changelog ?? '',
      released_at: latest?.released_at ?? null,
    };
  }

  async checkUpdate(body: CheckUpdateDto, origin: string): Promise<UpdateCheck> {
    const latest = await this.latest(await this.plugin());
    return {
      update_available: latest !== null && compareVersions(latest.version, body.current_version) > 0,
      latest_version: latest?.version ?? null,
      download_url: latest ? this.downloadUrl(origin, latest.version) : null,
      changelog: latest?.changelog ?? '',
      checksum_sha256: latest?.checksum_sha256 ?? null,
      min_wp_version: latest?.min_wp_version ?? null,
      min_php_version: latest?.min_php_version ?? null,
    };
  }

  downloadUrl(origin: string, version: string): string {
    const base = this.config.http.publicBaseUrl ?? origin;
    return `${base}/api/plugins/${BRIDGE_PLUGIN.slug}/download/?version=${encodeURIComponent(version)}`;
  }

  /** The zip of a released version (the latest by default); the download is recorded. */
  async download(version: string | undefined, who: Downloader): Promise<PluginDownloadFile> {
    const plugin = await this.plugin();
    const versions = await this.released(plugin);
    const chosen = version === undefined ? versions[0] : versions.find((v) => v.version === version);
    if (!chosen) throw ApiError.notFound('No released version of the plugin matches.');
    const path = resolve(this.config.pluginReleasesDir, chosen.file_path);
    const stream = createReadStream(path);
    await new Promise<void>((done, fail) => {
      stream.once('open', () => done());
      stream.once('error', () => fail(ApiError.notFound('The release file is missing.')));
    });
    const principal = who.principal;
    await this.tenant.runAsSystem('record a plugin download', () =>
      this.manager.insert(PluginDownload, {
        plugin_id: plugin.id,
        version_id: chosen.id,
        account_id: principal?.accountId ?? null,
        site_id: principal?.siteId ?? null,
        ip_address: who.ip?.slice(0, 45) ?? null,
        user_agent: who.userAgent.slice(0, 500),
      }),
    );
    return {
      stream,
      fileName: chosen.file_path,
      size: chosen.file_size,
      checksum: chosen.checksum_sha256,
      version: chosen.version,
    };
  }

  /** The calling key's site; other credentials cannot speak for an installation. */
  private keySite(): { siteId: number; accountId: number } {
    const principal = this.tenant.requirePrincipal();
    if (principal.via !== 'api_key' || principal.siteId === null) {
      throw new ApiError('permission_denied', 'Only a site API key may call this.');
    }
    return { siteId: principal.siteId, accountId: principal.accountId };
  }

  async register(body: RegisterInstallationDto): Promise<InstallationView> {
    const { siteId, accountId } = this.keySite();
    const plugin = await this.plugin();
    const versions = await this.released(plugin);
    const known = versions.find((v) => v.version === body.version) ?? null;
    const fields = {
      version_id: known?.id ?? null,
      version: body.version,
      site_url: body.site_url.trim(),
      wp_version: body.wp_version ?? '',
      php_version: body.php_version ?? '',
      is_active: true,
    };
    await insertOrIgnore(this.manager, PluginInstallation, {
      account_id: accountId,
      plugin_id: plugin.id,
      site_id: siteId,
      ...fields,
    });
    await this.manager.update(PluginInstallation, { plugin_id: plugin.id, site_id: siteId }, fields);
    const installation = await this.manager.findOneByOrFail(PluginInstallation, {
      plugin_id: plugin.id,
      site_id: siteId,
    });
    return this.view(installation, versions[0] ?? null);
  }

  async healthCheck(
    body: HealthCheckDto,
  ): Promise<{ installation_id: number; health_status: HealthStatus; update_available: boolean }> {
    const { siteId } = this.keySite();
    const plugin = await this.plugin();
    const installation = await this.manager.findOneBy(PluginInstallation, {
      plugin_id: plugin.id,
      site_id: siteId,
    });
    if (!installation) throw ApiError.notFound('The plugin is not registered for this site.');
    const versions = await this.released(plugin);
    const status = body.status ?? 'healthy';
    installation.health_status = status;
    installation.health_details = body.details ?? {};
    installation.last_health_check_at = new Date();
    installation.version = body.version;
    installation.version_id = versions.find((v) => v.version === body.version)?.id ?? null;
    await this.manager.save(PluginInstallation, installation);
    const latest = versions[0];
    return {
      installation_id: installation.id,
      health_status: status,
      update_available: latest !== undefined && compareVersions(latest.version, body.version) > 0,
    };
  }

  private view(installation: PluginInstallation, latest: PluginVersion | null): InstallationView {
    const { health_details: _details, ...rest } = installation;
    return {
      ...rest,
      update_available: latest !== null && compareVersions(latest.version, installation.version) > 0,
    };
  }
}
