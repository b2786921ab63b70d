<?php
/**
 * The REST namespace igny8/v1: what the IGNY8 API calls, plus two admin routes for this site's administrators.
 *
 * Answers use the envelope {success, data, message}; errors {success: false, error, code} with a 4xx/5xx status.
 * The IGNY8 routes need the site API key, in `X-IGNY8-API-KEY` or `Authorization: Bearer`, compared in constant
 * time with the configured key: a missing or wrong key answers 401, a right key while the connection is switched
 * off answers 403 (the status route excepted: it reports `connection_enabled: false`).
 *
 * @package Igny8Bridge
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

class Igny8_Rest {
	const NS = 'igny8/v1';

	/** Longest accepted publish body (HTML included), in bytes. */
	const MAX_BODY_BYTES = 8388608;

	public static function register_routes(): void {
		$publish = array(
			'methods'             => 'POST',
			'permission_callback' => '__return_true',
			'callback'            => self::keyed( array( __CLASS__, 'publish' ) ),
		);
		register_rest_route( self::NS, '/publish', $publish );
		register_rest_route( self::NS, '/publish-content', $publish );
		register_rest_route(
			self::NS,
			'/unpublish',
			array(
				'methods'             => 'POST',
				'permission_callback' => '__return_true',
				'callback'            => self::keyed( array( __CLASS__, 'unpublish' ) ),
			)
		);
		register_rest_route(
			self::NS,
			'/post-status/(?P<post_id>\d+)',
			array(
				'methods'             => 'GET',
				'permission_callback' => '__return_true',
				'callback'            => self::keyed( array( __CLASS__, 'post_status' ) ),
			)
		);
		register_rest_route(
			self::NS,
			'/site-metadata',
			array(
				'methods'             => 'GET',
				'permission_callback' => '__return_true',
				'callback'            => self::keyed(
					static fn () => self::ok( Igny8_Site_Structure::cached() )
				),
			)
		);
		register_rest_route(
			self::NS,
			'/status',
			array(
				'methods'             => 'GET',
				'permission_callback' => '__return_true',
				'callback'            => self::keyed( array( __CLASS__, 'status' ), true ),
			)
		);
		register_rest_route(
			self::NS,
			'/check-update',
			array(
				'methods'             => 'GET',
				'permission_callback' => '__return_true',
				'callback'            => array( __CLASS__, 'check_update' ),
			)
		);
		register_rest_route(
			self::NS,
			'/event',
			array(
				'methods'             => 'POST',
				'permission_callback' => '__return_true',
				'callback'            => static fn () => self::error( 'gone', 'This route is no longer supported.', 410 ),
			)
		);
		// For this site's administrators (cookie or Application Password): configure and connect.
		register_rest_route(
			self::NS,
			'/settings',
			array(
				array(
					'methods'             => 'GET',
					'permission_callback' => array( __CLASS__, 'is_admin' ),
					'callback'            => static fn () => self::ok( self::settings() ),
				),
				array(
					'methods'             => 'POST',
					'permission_callback' => array( __CLASS__, 'is_admin' ),
					'callback'            => array( __CLASS__, 'save_settings' ),
				),
			)
		);
		register_rest_route(
			self::NS,
			'/connect',
			array(
				'methods'             => 'POST',
				'permission_callback' => array( __CLASS__, 'is_admin' ),
				'callback'            => array( __CLASS__, 'connect' ),
			)
		);
	}

	public static function is_admin(): bool {
		return current_user_can( 'manage_options' );
	}

	/** The key a request carries: X-IGNY8-API-KEY first, then Authorization: Bearer. */
	public static function request_key( WP_REST_Request $request ): string {
		$header = $request->get_header( 'x_igny8_api_key' );
		if ( is_string( $header ) && '' !== trim( $header ) ) {
			return trim( $header );
		}
		$authorization = $request->get_header( 'authorization' );
		if ( ! $authorization && isset( $_SERVER['REDIRECT_HTTP_AUTHORIZATION'] ) ) {
			$authorization = sanitize_text_field( wp_unslash( $_SERVER['REDIRECT_HTTP_AUTHORIZATION'] ) );
		}
		if ( is_string( $authorization ) && preg_match( '/^\s*Bearer\s+(\S+)\s*$/i', $authorization, $match ) ) {
			return $match[1];
		}
		return '';
	}

	/** Wraps a handler with the key check (401 wrong key, 403 connection off). */
	private static function keyed( callable $handler, bool $allow_disabled = false ): callable {
		return static function ( WP_REST_Request $request ) use ( $handler, $allow_disabled ) {
			$configured = Igny8_Options::api_key();
			$given      = self::request_key( $request );
			if ( '' === $configured || '' === $given || ! hash_equals( $configured, $given ) ) {
				return self::error( 'invalid_api_key', 'Invalid API key.', 401 );
			}
			if ( ! $allow_disabled && ! Igny8_Options::enabled() ) {
				return self::error( 'connection_disabled', 'The IGNY8 connection is switched off on this site.', 403 );
			}
			// Changes made for IGNY8 are not reported back to it.
			Igny8_Webhooks::$suppressed = true;
			try {
				return $handler( $request );
			} finally {
				Igny8_Webhooks::$suppressed = false;
			}
		};
	}

	public static function ok( $data, string $message = '' ): WP_REST_Response {
		$body = array(
			'success' => true,
			'data'    => $data,
		);
		if ( '' !== $message ) {
			$body['message'] = $message;
		}
		return new WP_REST_Response( $body, 200 );
	}

	public static function error( string $code, string $message, int $status, array $extra = array() ): WP_REST_Response {
		return new WP_REST_Response(
			array_merge(
				array(
					'success' => false,
					'error'   => $message,
					'code'    => $code,
				),
				$extra
			),
			$status
		);
	}

	private static function from_wp_error( WP_Error $error ): WP_REST_Response {
		$data   = $error->get_error_data();
		$status = is_array( $data ) && isset( $data['status'] ) ? (int) $data['status'] : 500;
		return self::error( (string) $error->get_error_code(), $error->get_error_message(), $status );
	}

	/** The JSON body as an array, or an error answer. */
	private static function json_body( WP_REST_Request $request ) {
		if ( strlen( (string) $request->get_body() ) > self::MAX_BODY_BYTES ) {
			return self::error( 'payload_too_large', 'The request body is too large.', 413 );
		}
		$body = $request->get_json_params();
		if ( ! is_array( $body ) ) {
			return self::error( 'validation_error', 'The body must be a JSON object.', 400 );
		}
		return $body;
	}

	private static function positive_int( $value ): int {
		if ( is_int( $value ) && $value > 0 ) {
			return $value;
		}
		if ( is_string( $value ) && ctype_digit( $value ) && (int) $value > 0 ) {
			return (int) $value;
		}
		return 0;
	}

	public static function publish( WP_REST_Request $request ): WP_REST_Response {
		$body = self::json_body( $request );
		if ( $body instanceof WP_REST_Response ) {
			return $body;
		}
		$errors = array();
		if ( ! self::positive_int( $body['content_id'] ?? null ) ) {
			$errors['content_id'] = 'A positive integer is required.';
		}
		$site_id = self::positive_int( $body['site_id'] ?? null );
		if ( ! $site_id ) {
			$errors['site_id'] = 'A positive integer is required.';
		} elseif ( $site_id !== Igny8_Options::site_id() ) {
			$errors['site_id'] = 'This WordPress site is connected to another IGNY8 site.';
		}
		if ( ! isset( $body['title'] ) || ! is_string( $body['title'] ) || '' === trim( $body['title'] ) ) {
			$errors['title'] = 'A non-empty string is required.';
		}
		if ( ! isset( $body['content_html'] ) || ! is_string( $body['content_html'] ) ) {
			$errors['content_html'] = 'A string is required.';
		}
		$status = $body['status'] ?? 'publish';
		if ( ! in_array( $status, array( 'publish', 'draft' ), true ) ) {
			$errors['status'] = 'Must be publish or draft.';
		}
		$post_type = $body['post_type'] ?? 'post';
		if ( ! is_string( $post_type ) || ! post_type_exists( $post_type ) || 'attachment' === $post_type ) {
			$errors['post_type'] = 'Unknown post type.';
		}
		if ( $errors ) {
			$message = 'site_id' === array_key_first( $errors ) ? $errors['site_id'] : 'Invalid publish request.';
			return self::error( 'validation_error', $message, 400, array( 'errors' => $errors ) );
		}
		$body['content_id'] = self::positive_int( $body['content_id'] );
		$body['status']     = $status;
		$body['post_type']  = $post_type;
		$result             = Igny8_Publisher::publish( $body );
		if ( is_wp_error( $result ) ) {
			return self::from_wp_error( $result );
		}
		return self::ok( $result, 'publish' === $result['post_status'] ? 'Published.' : 'Saved.' );
	}

	public static function unpublish( WP_REST_Request $request ): WP_REST_Response {
		$body = self::json_body( $request );
		if ( $body instanceof WP_REST_Response ) {
			return $body;
		}
		$post_id    = self::positive_int( $body['post_id'] ?? null );
		$content_id = self::positive_int( $body['content_id'] ?? null );
		$action     = $body['action'] ?? 'trash';
		if ( ! $post_id && ! $content_id ) {
			return self::error( 'validation_error', 'post_id or content_id is required.', 400 );
		}
		if ( ! in_array( $action, array( 'trash', 'draft' ), true ) ) {
			return self::error( 'validation_error', 'action must be trash or draft.', 400 );
		}
		$result = Igny8_Publisher::unpublish( $post_id, $content_id, $action );
		if ( is_wp_error( $result ) ) {
			return self::from_wp_error( $result );
		}
		return self::ok( $result, 'Unpublished.' );
	}

	public static function post_status( WP_REST_Request $request ): WP_REST_Response {
		$post = get_post( (int) $request['post_id'] );
		if ( ! $post || in_array( $post->post_type, array( 'revision', 'attachment', 'nav_menu_item' ), true ) ) {
			return self::error( 'not_found', 'Post not found.', 404 );
		}
		return self::ok( Igny8_Publisher::status_of( $post ) );
	}

	public static function status(): WP_REST_Response {
		return self::ok(
			array(
				'connected'          => Igny8_Options::configured(),
				'connection_enabled' => Igny8_Options::enabled(),
				'plugin_version'     => IGNY8_BRIDGE_VERSION,
				'wp_version'         => get_bloginfo( 'version' ),
				'php_version'        => PHP_VERSION,
				'site_url'           => home_url(),
				'site_id'            => Igny8_Options::site_id(),
				'seo_plugin'         => Igny8_Options::seo_plugin(),
				'two_way_sync'       => Igny8_Options::two_way_sync(),
			)
		);
	}

	public static function check_update(): WP_REST_Response {
		$result = Igny8_Connection::check_update();
		if ( ! $result['ok'] ) {
			return self::error( 'update_check_failed', $result['error'], 502 );
		}
		$data = Igny8_Api_Client::data( $result );
		return self::ok(
			array(
				'current_version'  => IGNY8_BRIDGE_VERSION,
				'latest_version'   => $data['latest_version'] ?? IGNY8_BRIDGE_VERSION,
				'update_available' => ! empty( $data['update_available'] ),
				'download_url'     => $data['download_url'] ?? null,
			)
		);
	}

	private static function settings(): array {
		$key = Igny8_Options::api_key();
		return array(
			'api_key_set'        => '' !== $key,
			'api_key_hint'       => '' === $key ? '' : substr( $key, 0, 9 ) . '…' . substr( $key, -4 ),
			'site_id'            => Igny8_Options::site_id(),
			'connection_enabled' => Igny8_Options::enabled(),
			'two_way_sync'       => Igny8_Options::two_way_sync(),
			'api_base_url'       => Igny8_Options::api_base_url(),
			'integration_id'     => Igny8_Options::integration_id() ?: null,
			'last_connection'    => get_option( Igny8_Options::LAST_CONNECTION, null ),
			'last_webhook'       => get_option( Igny8_Webhooks::LAST_OPTION, null ),
		);
	}

	public static function save_settings( WP_REST_Request $request ): WP_REST_Response {
		$body = self::json_body( $request );
		if ( $body instanceof WP_REST_Response ) {
			return $body;
		}
		$fields = array(
			'api_key'            => Igny8_Options::API_KEY,
			'site_id'            => Igny8_Options::SITE_ID,
			'connection_enabled' => Igny8_Options::ENABLED,
			'two_way_sync'       => Igny8_Options::TWO_WAY_SYNC,
			'api_base_url'       => Igny8_Options::API_BASE_URL,
		);
		if ( isset( $body['api_key'] ) && ( ! is_string( $body['api_key'] ) || ( '' !== $body['api_key'] && ! preg_match( Igny8_Options::KEY_PATTERN, trim( $body['api_key'] ) ) ) ) ) {
			return self::error( 'validation_error', 'api_key must look like igny8_sk_ and 40 letters or digits.', 400 );
		}
		foreach ( $fields as $field => $option ) {
			if ( array_key_exists( $field, $body ) ) {
				update_option( $option, $body[ $field ] );
			}
		}
		return self::ok( self::settings(), 'Saved.' );
	}

	public static function connect(): WP_REST_Response {
		$result = Igny8_Connection::handshake();
		if ( ! $result['connected'] ) {
			return self::error(
				'connection_failed',
				$result['message'],
				502,
				array(
					'details' => array(
						'http_status' => $result['http_status'],
						'code'        => $result['code'],
					),
				)
			);
		}
		return self::ok( $result, $result['message'] );
	}
}
