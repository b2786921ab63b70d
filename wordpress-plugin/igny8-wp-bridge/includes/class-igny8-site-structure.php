<?php
/**
 * The site's structure: public post types and taxonomies with counts, pushed to IGNY8 and served to it.
 *
 * @package Igny8Bridge
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

class Igny8_Site_Structure {
	const CACHE_KEY = 'igny8_site_metadata';
	const CACHE_TTL = 300;

	/** @return array{post_types: array, taxonomies: array, generated_at: string} */
	public static function build(): array {
		$post_types = array();
		foreach ( get_post_types( array( 'public' => true ), 'objects' ) as $slug => $type ) {
			if ( 'attachment' === $slug ) {
				continue;
			}
			$counts              = wp_count_posts( $slug );
			$post_types[ $slug ] = array(
				'label' => (string) $type->label,
				'count' => isset( $counts->publish ) ? (int) $counts->publish : 0,
			);
		}
		$taxonomies = array();
		foreach ( get_taxonomies( array( 'public' => true ), 'objects' ) as $slug => $taxonomy ) {
			$count               = wp_count_terms( array( 'taxonomy' => $slug, 'hide_empty' => false ) );
			$taxonomies[ $slug ] = array(
				'label' => (string) $taxonomy->label,
				'count' => is_wp_error( $count ) ? 0 : (int) $count,
			);
		}
		return array(
			'post_types'   => (object) $post_types,
			'taxonomies'   => (object) $taxonomies,
			'generated_at' => gmdate( 'Y-m-d\TH:i:s\Z' ),
		);
	}

	/** The structure as served to IGNY8, cached for five minutes. */
	public static function cached(): array {
		$cached = get_transient( self::CACHE_KEY );
		if ( is_array( $cached ) ) {
			return $cached;
		}
		$structure = self::build();
		set_transient( self::CACHE_KEY, $structure, self::CACHE_TTL );
		return $structure;
	}

	/** Sends the structure to IGNY8 for the connected integration. */
	public static function push( int $integration_id ): array {
		$structure = self::build();
		return Igny8_Api_Client::post(
			'/v1/integration/integrations/' . $integration_id . '/update_site_structure/',
			array(
				'post_types'     => $structure['post_types'],
				'taxonomies'     => $structure['taxonomies'],
				'plugin_version' => IGNY8_BRIDGE_VERSION,
				'wp_version'     => get_bloginfo( 'version' ),
				'php_version'    => PHP_VERSION,
				'seo_plugin'     => Igny8_Options::seo_plugin(),
				'timestamp'      => $structure['generated_at'],
			)
		);
	}
}
