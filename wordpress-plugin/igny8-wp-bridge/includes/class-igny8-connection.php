<?php
/**
 * The handshake with IGNY8 and the plugin's reports about itself (register, health check, update check).
 *
 * @package Igny8Bridge
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

class Igny8_Connection {
	/**
	 * Asks IGNY8 to connect this site: IGNY8 checks the key and site id, then calls back this site's
	 * igny8/v1/status. On success the site structure is pushed and the installation registered.
	 *
	 * @return array{connected: bool, message: string, code: string, http_status: int, integration_id: ?int, structure_pushed: bool, registered: bool}
	 */
	public static function handshake(): array {
		$outcome = array(
			'connected'        => false,
			'message'          => '',
			'code'             => '',
			'http_status'      => 0,
			'integration_id'   => null,
			'structure_pushed' => false,
			'registered'       => false,
		);
		if ( '' === Igny8_Options::api_key() || Igny8_Options::site_id() <= 0 ) {
			$outcome['message'] = 'Enter the IGNY8 API key and site id first.';
			$outcome['code']    = 'not_configured';
			return self::remember( $outcome );
		}
		$result                 = Igny8_Api_Client::post(
			'/v1/integration/integrations/test-connection/',
			array(
				'site_id'  => Igny8_Options::site_id(),
				'api_key'  => Igny8_Options::api_key(),
				'site_url' => home_url(),
			),
			''
		);
		$outcome['http_status'] = $result['status'];
		$data                   = Igny8_Api_Client::data( $result );
		if ( ! $result['ok'] || empty( $data['integration_id'] ) ) {
			$body               = is_array( $result['body'] ) ? $result['body'] : array();
			$outcome['code']    = isset( $body['code'] ) && is_string( $body['code'] ) ? $body['code'] : 'unreachable';
			$outcome['message'] = '' !== $result['error'] ? $result['error'] : 'IGNY8 did not confirm the connection.';
			return self::remember( $outcome );
		}
		$integration_id = (int) $data['integration_id'];
		update_option( Igny8_Options::INTEGRATION_ID, $integration_id );
		$outcome['connected']        = true;
		$outcome['integration_id']   = $integration_id;
		$outcome['message']          = isset( $data['message'] ) && is_string( $data['message'] ) ? $data['message'] : 'Connected.';
		$outcome['structure_pushed'] = Igny8_Site_Structure::push( $integration_id )['ok'];
		$outcome['registered']       = self::register()['ok'];
		return self::remember( $outcome );
	}

	public static function register(): array {
		return Igny8_Api_Client::post(
			'/plugins/' . IGNY8_BRIDGE_SLUG . '/register/',
			array(
				'site_url'    => home_url(),
				'version'     => IGNY8_BRIDGE_VERSION,
				'wp_version'  => get_bloginfo( 'version' ),
				'php_version' => PHP_VERSION,
			)
		);
	}

	public static function health_check( string $status = 'healthy', array $details = array() ): array {
		return Igny8_Api_Client::post(
			'/plugins/' . IGNY8_BRIDGE_SLUG . '/health-check/',
			array(
				'version' => IGNY8_BRIDGE_VERSION,
				'status'  => $status,
				'details' => (object) $details,
			)
		);
	}

	public static function check_update(): array {
		return Igny8_Api_Client::post(
			'/plugins/' . IGNY8_BRIDGE_SLUG . '/check-update/',
			array(
				'current_version' => IGNY8_BRIDGE_VERSION,
				'site_url'        => home_url(),
				'wp_version'      => get_bloginfo( 'version' ),
				'php_version'     => PHP_VERSION,
			),
			''
		);
	}

	private static function remember( array $outcome ): array {
		update_option(
			Igny8_Options::LAST_CONNECTION,
			array(
				'connected' => $outcome['connected'],
				'message'   => $outcome['message'],
				'code'      => $outcome['code'],
				'at'        => gmdate( 'Y-m-d\TH:i:s\Z' ),
			),
			false
		);
		return $outcome;
	}
}
