<?php
/**
 * Reports changes of linked posts (those with `_igny8_content_id`) to IGNY8: a status webhook when a post's
 * status changes or it is deleted, and a metadata webhook when it is edited (only with two-way sync on).
 * Changes IGNY8 itself makes through igny8/v1 are not reported back.
 *
 * @package Igny8Bridge
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

class Igny8_Webhooks {
	const STATUS_PATH   = '/v1/integration/webhooks/wordpress/status/';
	const METADATA_PATH = '/v1/integration/webhooks/wordpress/metadata/';
	/** The outcome of the last webhook, for the settings page. */
	const LAST_OPTION = 'igny8_last_webhook';

	/** True while an igny8/v1 request is being handled. */
	public static bool $suppressed = false;

	public static function hook(): void {
		add_action( 'transition_post_status', array( __CLASS__, 'on_transition' ), 10, 3 );
		add_action( 'before_delete_post', array( __CLASS__, 'on_delete' ), 10, 1 );
		add_action( 'wp_after_insert_post', array( __CLASS__, 'on_saved' ), 10, 4 );
	}

	private static function active(): bool {
		return ! self::$suppressed && Igny8_Options::configured();
	}

	/** The time of the change, with milliseconds (events in the same second keep their order). */
	private static function now(): string {
		$time = microtime( true );
		return gmdate( 'Y-m-d\TH:i:s', (int) $time ) . sprintf( '.%03dZ', (int) ( ( $time - floor( $time ) ) * 1000 ) );
	}

	public static function on_transition( string $new_status, string $old_status, $post ): void {
		if ( $new_status === $old_status || ! $post instanceof WP_Post || 'auto-draft' === $new_status || 'inherit' === $new_status ) {
			return;
		}
		if ( ! self::active() ) {
			return;
		}
		$content_id = Igny8_Publisher::content_id_of( $post->ID );
		if ( ! $content_id ) {
			return;
		}
		self::send_status( $post, $content_id, $new_status );
	}

	public static function on_delete( $post_id ): void {
		$post = get_post( (int) $post_id );
		if ( ! $post || 'revision' === $post->post_type || ! self::active() ) {
			return;
		}
		$content_id = Igny8_Publisher::content_id_of( $post->ID );
		if ( $content_id ) {
			self::send_status( $post, $content_id, 'deleted' );
		}
	}

	public static function on_saved( $post_id, $post, $update, $post_before ): void {
		if ( ! $update || ! $post instanceof WP_Post || 'revision' === $post->post_type || ! self::active() || ! Igny8_Options::two_way_sync() ) {
			return;
		}
		if ( in_array( $post->post_status, array( 'auto-draft', 'inherit' ), true ) ) {
			return;
		}
		$content_id = Igny8_Publisher::content_id_of( $post->ID );
		if ( ! $content_id ) {
			return;
		}
		$body = array(
			'content_id'  => $content_id,
			'post_id'     => (int) $post->ID,
			'title'       => html_entity_decode( get_the_title( $post ), ENT_QUOTES, 'UTF-8' ),
			'post_url'    => (string) get_permalink( $post ),
			'categories'  => self::term_names( $post->ID, 'category' ),
			'tags'        => self::term_names( $post->ID, 'post_tag' ),
			'modified_at' => self::now(),
		);
		$meta_title = self::seo_meta( $post->ID, Igny8_Publisher::TITLE_KEYS );
		if ( null !== $meta_title ) {
			$body['meta_title'] = $meta_title;
		}
		$meta_description = self::seo_meta( $post->ID, Igny8_Publisher::DESCRIPTION_KEYS );
		if ( null !== $meta_description ) {
			$body['meta_description'] = $meta_description;
		}
		$primary = get_post_meta( $post->ID, '_igny8_primary_keyword', true );
		if ( is_string( $primary ) && '' !== $primary ) {
			$body['primary_keyword'] = $primary;
		}
		self::remember( 'metadata', Igny8_Api_Client::post( self::METADATA_PATH, $body ) );
	}

	private static function send_status( WP_Post $post, int $content_id, string $status ): void {
		$body = array(
			'content_id'    => $content_id,
			'post_id'       => (int) $post->ID,
			'post_status'   => $status,
			'post_url'      => (string) get_permalink( $post ),
			'post_type'     => $post->post_type,
			'post_date_gmt' => Igny8_Publisher::iso_gmt( $post->post_date_gmt ),
			'modified_at'   => self::now(),
			'site_url'      => home_url(),
		);
		self::remember( 'status', Igny8_Api_Client::post( self::STATUS_PATH, $body ) );
	}

	/** The active SEO plugin's value first, then the others, then IGNY8's own key. */
	private static function seo_meta( int $post_id, array $keys ): ?string {
		$active = Igny8_Options::seo_plugin();
		usort(
			$keys,
			static fn ( $a, $b ) => (int) ( false === strpos( $a, $active ) ) - (int) ( false === strpos( $b, $active ) )
		);
		foreach ( $keys as $key ) {
			$value = get_post_meta( $post_id, $key, true );
			if ( is_string( $value ) && '' !== $value ) {
				return $value;
			}
		}
		return null;
	}

	private static function term_names( int $post_id, string $taxonomy ): array {
		$terms = get_the_terms( $post_id, $taxonomy );
		if ( ! is_array( $terms ) ) {
			return array();
		}
		return array_values( array_map( static fn ( $term ) => html_entity_decode( $term->name, ENT_QUOTES, 'UTF-8' ), $terms ) );
	}

	private static function remember( string $kind, array $result ): void {
		update_option(
			self::LAST_OPTION,
			array(
				'kind'        => $kind,
				'ok'          => $result['ok'],
				'http_status' => $result['status'],
				'error'       => $result['error'],
				'at'          => gmdate( 'Y-m-d\TH:i:s\Z' ),
			),
			false
		);
	}
}
