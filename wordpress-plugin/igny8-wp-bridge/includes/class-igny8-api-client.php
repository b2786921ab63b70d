<?php
/**
 * Calls from WordPress to the IGNY8 API, authenticated with the site API key.
 *
 * @package Igny8Bridge
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

class Igny8_Api_Client {
	const TIMEOUT = 15;

	/**
	 * POST a JSON body to a path under the API base (e.g. `/v1/integration/webhooks/wordpress/status/`).
	 *
	 * @param string      $path    Path below the configured base URL.
	 * @param array       $body    JSON body.
	 * @param string|null $api_key Key to send; the configured one when null. An empty key sends none.
	 * @return array{ok: bool, status: int, body: mixed, error: string}
	 */
	public static function post( string $path, array $body, ?string $api_key = null ): array {
		return self::request( 'POST', $path, $body, $api_key );
	}

	public static function get( string $path, ?string $api_key = null ): array {
		return self::request( 'GET', $path, null, $api_key );
	}

	private static function request( string $method, string $path, ?array $body, ?string $api_key ): array {
		$key     = null === $api_key ? Igny8_Options::api_key() : $api_key;
		$headers = array(
			'Accept'       => 'application/json',
			'Content-Type' => 'application/json',
			'User-Agent'   => 'IGNY8-WP-Bridge/' . IGNY8_BRIDGE_VERSION . '; WordPress/' . get_bloginfo( 'version' ),
		);
		if ( '' !== $key ) {
			$headers['Authorization']   = 'Bearer ' . $key;
			$headers['X-IGNY8-API-KEY'] = $key;
		}
		$args = array(
			'method'      => $method,
			'timeout'     => self::TIMEOUT,
			'redirection' => 0,
			'headers'     => $headers,
		);
		if ( null !== $body ) {
			$args['body'] = wp_json_encode( $body );
		}
		// The API may be on a private address in development: wp_remote_request, not the "safe" variant.
		$response = wp_remote_request( Igny8_Options::api_base_url() . $path, $args );
		if ( is_wp_error( $response ) ) {
			return array(
				'ok'     => false,
				'status' => 0,
				'body'   => null,
				'error'  => $response->get_error_message(),
			);
		}
		$status  = (int) wp_remote_retrieve_response_code( $response );
		$decoded = json_decode( (string) wp_remote_retrieve_body( $response ), true );
		$error   = '';
		if ( $status < 200 || $status >= 300 ) {
			$error = is_array( $decoded ) && isset( $decoded['error'] ) && is_string( $decoded['error'] )
				? $decoded['error']
				: 'IGNY8 answered HTTP ' . $status;
		}
		return array(
			'ok'     => $status >= 200 && $status < 300,
			'status' => $status,
			'body'   => $decoded,
			'error'  => $error,
		);
	}

	/** The `data` member of an API envelope, or the body itself. */
	public static function data( array $result ): array {
		$body = $result['body'];
		if ( is_array( $body ) && isset( $body['data'] ) && is_array( $body['data'] ) ) {
			return $body['data'];
		}
		return is_array( $body ) ? $body : array();
	}
}
