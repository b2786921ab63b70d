<?php
/**
 * The plugin's settings (WordPress options) and their sanitising.
 *
 * @package Igny8Bridge
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

class Igny8_Options {
	const API_KEY         = 'igny8_api_key';
	const SITE_ID         = 'igny8_site_id';
	const ENABLED         = 'igny8_connection_enabled';
	const TWO_WAY_SYNC    = 'igny8_enable_two_way_sync';
	const API_BASE_URL    = 'igny8_api_base_url';
	/** Set by a successful handshake: the IGNY8 integration this site belongs to. */
	const INTEGRATION_ID  = 'igny8_integration_id';
	/** The outcome of the last handshake, for the settings page. */
	const LAST_CONNECTION = 'igny8_last_connection';

	const GROUP = 'igny8_bridge';

	/** The IGNY8 key format: igny8_sk_ and 40 base62 characters. */
	const KEY_PATTERN = '/^igny8_sk_[0-9A-Za-z]{40}$/';

	public static function activate(): void {
		add_option( self::API_KEY, '' );
		add_option( self::SITE_ID, 0 );
		add_option( self::ENABLED, true );
		add_option( self::TWO_WAY_SYNC, true );
		add_option( self::API_BASE_URL, IGNY8_BRIDGE_DEFAULT_API_BASE );
	}

	public static function register(): void {
		register_setting(
			self::GROUP,
			self::API_KEY,
			array(
				'type'              => 'string',
				'default'           => '',
				'sanitize_callback' => array( __CLASS__, 'sanitize_key' ),
			)
		);
		register_setting(
			self::GROUP,
			self::SITE_ID,
			array(
				'type'              => 'integer',
				'default'           => 0,
				'sanitize_callback' => 'absint',
			)
		);
		register_setting(
			self::GROUP,
			self::ENABLED,
			array(
				'type'              => 'boolean',
				'default'           => true,
				'sanitize_callback' => 'rest_sanitize_boolean',
			)
		);
		register_setting(
			self::GROUP,
			self::TWO_WAY_SYNC,
			array(
				'type'              => 'boolean',
				'default'           => true,
				'sanitize_callback' => 'rest_sanitize_boolean',
			)
		);
		register_setting(
			self::GROUP,
			self::API_BASE_URL,
			array(
				'type'              => 'string',
				'default'           => IGNY8_BRIDGE_DEFAULT_API_BASE,
				'sanitize_callback' => array( __CLASS__, 'sanitize_base_url' ),
			)
		);
	}

	public static function sanitize_key( $value ): string {
		return is_string( $value ) ? trim( $value ) : '';
	}

	public static function sanitize_base_url( $value ): string {
		$url = is_string( $value ) ? esc_url_raw( trim( $value ), array( 'http', 'https' ) ) : '';
		return '' === $url ? IGNY8_BRIDGE_DEFAULT_API_BASE : untrailingslashit( $url );
	}

	public static function api_key(): string {
		return (string) get_option( self::API_KEY, '' );
	}

	public static function site_id(): int {
		return (int) get_option( self::SITE_ID, 0 );
	}

	public static function enabled(): bool {
		return (bool) get_option( self::ENABLED, true );
	}

	public static function two_way_sync(): bool {
		return (bool) get_option( self::TWO_WAY_SYNC, true );
	}

	public static function api_base_url(): string {
		$url = (string) get_option( self::API_BASE_URL, IGNY8_BRIDGE_DEFAULT_API_BASE );
		return untrailingslashit( '' === $url ? IGNY8_BRIDGE_DEFAULT_API_BASE : $url );
	}

	public static function integration_id(): int {
		return (int) get_option( self::INTEGRATION_ID, 0 );
	}

	/** Key and site id are both set, and the connection is switched on. */
	public static function configured(): bool {
		return self::enabled() && '' !== self::api_key() && self::site_id() > 0;
	}

	/** The active SEO plugin whose meta keys readers use (yoast, seopress, aioseo or none). */
	public static function seo_plugin(): string {
		if ( defined( 'WPSEO_VERSION' ) ) {
			return 'yoast';
		}
		if ( defined( 'SEOPRESS_VERSION' ) ) {
			return 'seopress';
		}
		if ( defined( 'AIOSEO_VERSION' ) ) {
			return 'aioseo';
		}
		return 'none';
	}
}
