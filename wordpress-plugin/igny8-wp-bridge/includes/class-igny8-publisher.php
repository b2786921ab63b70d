<?php
/**
 * Creating, updating and retracting posts for IGNY8 content.
 *
 * A post made for an IGNY8 content item carries the post meta `_igny8_content_id`; publishing the same
 * content again updates that post (whatever its status, trash included) instead of creating another.
 *
 * @package Igny8Bridge
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

class Igny8_Publisher {
	const CONTENT_ID_META = '_igny8_content_id';
	const SOURCE_URL_META = '_igny8_source_url';

	/** Meta keys the SEO title and description go to: each SEO plugin reads its own. */
	const TITLE_KEYS       = array( '_yoast_wpseo_title', '_seopress_titles_title', '_aioseo_title', '_igny8_meta_title' );
	const DESCRIPTION_KEYS = array( '_yoast_wpseo_metadesc', '_seopress_titles_desc', '_aioseo_description', '_igny8_meta_description' );

	/** The id of the post linked to an IGNY8 content id, in any status, or 0. */
	public static function find_post_by_content_id( int $content_id ): int {
		global $wpdb;
		$post_id = $wpdb->get_var(
			$wpdb->prepare(
				"SELECT pm.post_id FROM {$wpdb->postmeta} pm JOIN {$wpdb->posts} p ON p.ID = pm.post_id
				 WHERE pm.meta_key = %s AND pm.meta_value = %s AND p.post_type <> 'revision'
				 ORDER BY pm.post_id ASC LIMIT 1",
				self::CONTENT_ID_META,
				(string) $content_id
			)
		);
		return $post_id ? (int) $post_id : 0;
	}

	/** The IGNY8 content id a post is linked to, or 0. */
	public static function content_id_of( int $post_id ): int {
		return (int) get_post_meta( $post_id, self::CONTENT_ID_META, true );
	}

	/**
	 * Creates or updates the post of a content item.
	 *
	 * @param array $input The validated publish payload.
	 * @return array|WP_Error The `data` of the answer.
	 */
	public static function publish( array $input ) {
		$content_id = (int) $input['content_id'];
		$post_type  = (string) $input['post_type'];
		$existing   = self::find_post_by_content_id( $content_id );
		$warnings   = array();

		$postarr = array(
			'post_title'   => (string) $input['title'],
			'post_content' => (string) $input['content_html'],
			'post_status'  => (string) $input['status'],
			'post_type'    => $post_type,
		);
		if ( $existing ) {
			if ( 'trash' === get_post_status( $existing ) ) {
				wp_untrash_post( $existing );
			}
			$postarr['ID'] = $existing;
			$post_id       = wp_update_post( wp_slash( $postarr ), true );
		} else {
			$postarr['post_author'] = self::author_id();
			$postarr['meta_input']  = array( self::CONTENT_ID_META => (string) $content_id );
			$post_id                = wp_insert_post( wp_slash( $postarr ), true );
		}
		if ( is_wp_error( $post_id ) ) {
			return new WP_Error( 'publish_failed', $post_id->get_error_message(), array( 'status' => 500 ) );
		}
		$post_id = (int) $post_id;
		update_post_meta( $post_id, self::CONTENT_ID_META, (string) $content_id );

		self::write_meta( $post_id, $input );
		$term_ids = self::assign_terms( $post_id, $post_type, $input );

		$featured_media_id = 0;
		if ( ! empty( $input['featured_image_url'] ) && is_string( $input['featured_image_url'] ) ) {
			$image             = is_array( $input['featured_image'] ?? null ) ? $input['featured_image'] : array();
			$featured_media_id = self::sideload( $input['featured_image_url'], $post_id, $image, (string) $input['title'] );
			if ( is_wp_error( $featured_media_id ) ) {
				$warnings[]        = 'Featured image: ' . $featured_media_id->get_error_message();
				$featured_media_id = 0;
			} else {
				set_post_thumbnail( $post_id, $featured_media_id );
			}
		}

		$images = $input['in_article_images'] ?? ( $input['gallery_images'] ?? array() );
		if ( is_array( $images ) && $images ) {
			$html    = (string) $input['content_html'];
			$changed = false;
			foreach ( $images as $image ) {
				if ( ! is_array( $image ) || empty( $image['url'] ) || ! is_string( $image['url'] ) ) {
					continue;
				}
				$attachment_id = self::sideload( $image['url'], $post_id, $image, (string) $input['title'] );
				if ( is_wp_error( $attachment_id ) ) {
					$warnings[] = 'Image ' . $image['url'] . ': ' . $attachment_id->get_error_message();
					continue;
				}
				$local = wp_get_attachment_url( $attachment_id );
				if ( $local ) {
					$html    = str_replace( 'src="' . $image['url'] . '"', 'src="' . esc_url( $local ) . '"', $html );
					$changed = true;
				}
			}
			if ( $changed ) {
				wp_update_post( wp_slash( array( 'ID' => $post_id, 'post_content' => $html ) ) );
			}
		}

		clean_post_cache( $post_id );
		$post = get_post( $post_id );
		return array(
			'post_id'           => $post_id,
			'post_url'          => (string) get_permalink( $post ),
			'post_status'       => $post->post_status,
			'post_type'         => $post->post_type,
			'term_ids'          => $term_ids,
			'featured_media_id' => $featured_media_id ? (int) $featured_media_id : null,
			'warnings'          => $warnings,
		);
	}

	/**
	 * Trashes a post, or sets it to draft.
	 *
	 * @return array|WP_Error
	 */
	public static function unpublish( int $post_id, int $content_id, string $action ) {
		if ( ! $post_id && $content_id ) {
			$post_id = self::find_post_by_content_id( $content_id );
		}
		$post = $post_id ? get_post( $post_id ) : null;
		if ( ! $post || 'revision' === $post->post_type || 'attachment' === $post->post_type ) {
			return new WP_Error( 'not_found', 'Post not found.', array( 'status' => 404 ) );
		}
		$linked = self::content_id_of( $post->ID );
		if ( $content_id && $linked && $linked !== $content_id ) {
			return new WP_Error( 'not_found', 'Post not found.', array( 'status' => 404 ) );
		}
		if ( 'draft' === $action ) {
			if ( 'trash' === $post->post_status ) {
				wp_untrash_post( $post->ID );
			}
			$result = wp_update_post( array( 'ID' => $post->ID, 'post_status' => 'draft' ), true );
			if ( is_wp_error( $result ) ) {
				return new WP_Error( 'unpublish_failed', $result->get_error_message(), array( 'status' => 500 ) );
			}
		} elseif ( 'trash' !== $post->post_status && ! wp_trash_post( $post->ID ) ) {
			return new WP_Error( 'unpublish_failed', 'The post could not be moved to the trash.', array( 'status' => 500 ) );
		}
		return array(
			'post_id'     => (int) $post->ID,
			'post_status' => (string) get_post_status( $post->ID ),
		);
	}

	/** The remote status of one post, as the status check reads it. */
	public static function status_of( WP_Post $post ): array {
		return array(
			'post_id'       => (int) $post->ID,
			'post_status'   => $post->post_status,
			'post_url'      => (string) get_permalink( $post ),
			'post_type'     => $post->post_type,
			'modified_at'   => self::iso_gmt( $post->post_modified_gmt ),
			'post_date_gmt' => self::iso_gmt( $post->post_date_gmt ),
			'content_id'    => self::content_id_of( $post->ID ) ?: null,
		);
	}

	public static function iso_gmt( string $mysql_gmt ): ?string {
		if ( '' === $mysql_gmt || '0000-00-00 00:00:00' === $mysql_gmt ) {
			return null;
		}
		return gmdate( 'Y-m-d\TH:i:s\Z', strtotime( $mysql_gmt . ' UTC' ) );
	}

	/** Prints the content's schema markup as JSON-LD on its page. */
	public static function hook_schema_output(): void {
		add_action(
			'wp_head',
			static function () {
				if ( ! is_singular() ) {
					return;
				}
				$schema = get_post_meta( get_queried_object_id(), '_igny8_schema_markup', true );
				if ( is_string( $schema ) && '' !== $schema && null !== json_decode( $schema ) ) {
					echo '<script type="application/ld+json">' . wp_json_encode( json_decode( $schema ) ) . "</script>\n";
				}
			}
		);
	}

	private static function author_id(): int {
		$current = get_current_user_id();
		if ( $current ) {
			return $current;
		}
		$admins = get_users(
			array(
				'role'    => 'administrator',
				'number'  => 1,
				'orderby' => 'ID',
				'fields'  => 'ID',
			)
		);
		return $admins ? (int) $admins[0] : 0;
	}

	private static function write_meta( int $post_id, array $input ): void {
		$title       = self::string_field( $input, array( 'seo_title', 'meta_title' ) );
		$description = self::string_field( $input, array( 'seo_description', 'meta_description' ) );
		if ( null !== $title ) {
			foreach ( self::TITLE_KEYS as $key ) {
				update_post_meta( $post_id, $key, wp_slash( $title ) );
			}
		}
		if ( null !== $description ) {
			foreach ( self::DESCRIPTION_KEYS as $key ) {
				update_post_meta( $post_id, $key, wp_slash( $description ) );
			}
		}
		$primary = self::string_field( $input, array( 'primary_keyword' ) );
		if ( null !== $primary ) {
			update_post_meta( $post_id, '_igny8_primary_keyword', wp_slash( $primary ) );
		}
		if ( isset( $input['secondary_keywords'] ) && is_array( $input['secondary_keywords'] ) ) {
			update_post_meta( $post_id, '_igny8_secondary_keywords', wp_slash( wp_json_encode( array_values( self::strings( $input['secondary_keywords'] ) ) ) ) );
		}
		foreach ( array( 'cluster_id', 'sector_id', 'task_id' ) as $field ) {
			if ( array_key_exists( $field, $input ) ) {
				$value = $input[ $field ];
				if ( is_int( $value ) || ( is_string( $value ) && ctype_digit( $value ) ) ) {
					update_post_meta( $post_id, '_igny8_' . $field, (string) $value );
				} else {
					delete_post_meta( $post_id, '_igny8_' . $field );
				}
			}
		}
		if ( isset( $input['keyword_ids'] ) && is_array( $input['keyword_ids'] ) ) {
			$ids = array_values( array_map( 'intval', array_filter( $input['keyword_ids'], 'is_numeric' ) ) );
			update_post_meta( $post_id, '_igny8_keyword_ids', wp_json_encode( $ids ) );
		}
		if ( array_key_exists( 'schema_markup', $input ) ) {
			if ( is_array( $input['schema_markup'] ) && $input['schema_markup'] ) {
				update_post_meta( $post_id, '_igny8_schema_markup', wp_slash( wp_json_encode( $input['schema_markup'] ) ) );
			} else {
				delete_post_meta( $post_id, '_igny8_schema_markup' );
			}
		}
	}

	/** @return array{categories: int[], tags: int[]} */
	private static function assign_terms( int $post_id, string $post_type, array $input ): array {
		$term_ids = array(
			'categories' => array(),
			'tags'       => array(),
		);
		if ( is_object_in_taxonomy( $post_type, 'category' ) && isset( $input['categories'] ) && is_array( $input['categories'] ) ) {
			$term_ids['categories'] = self::term_ids( self::strings( $input['categories'] ), 'category' );
			if ( $term_ids['categories'] ) {
				wp_set_post_terms( $post_id, $term_ids['categories'], 'category' );
			}
		}
		if ( is_object_in_taxonomy( $post_type, 'post_tag' ) ) {
			$names = isset( $input['tags'] ) && is_array( $input['tags'] ) ? self::strings( $input['tags'] ) : array();
			$primary = self::string_field( $input, array( 'primary_keyword' ) );
			if ( null !== $primary && '' !== $primary ) {
				$names[] = $primary;
			}
			if ( isset( $input['secondary_keywords'] ) && is_array( $input['secondary_keywords'] ) ) {
				$names = array_merge( $names, self::strings( $input['secondary_keywords'] ) );
			}
			$unique = array();
			foreach ( $names as $name ) {
				$unique[ strtolower( $name ) ] = $name;
			}
			$term_ids['tags'] = self::term_ids( array_values( $unique ), 'post_tag' );
			wp_set_post_terms( $post_id, $term_ids['tags'], 'post_tag' );
		}
		if ( ! $term_ids['categories'] && is_object_in_taxonomy( $post_type, 'category' ) ) {
			$term_ids['categories'] = array_map( 'intval', wp_get_post_categories( $post_id ) );
		}
		return $term_ids;
	}

	/** Ids of terms by name, created when missing. */
	private static function term_ids( array $names, string $taxonomy ): array {
		$ids = array();
		foreach ( $names as $name ) {
			$name = trim( $name );
			if ( '' === $name ) {
				continue;
			}
			$term = get_term_by( 'name', $name, $taxonomy );
			if ( $term ) {
				$ids[] = (int) $term->term_id;
				continue;
			}
			$created = wp_insert_term( $name, $taxonomy );
			if ( is_wp_error( $created ) ) {
				$existing = $created->get_error_data( 'term_exists' );
				if ( $existing ) {
					$ids[] = (int) $existing;
				}
				continue;
			}
			$ids[] = (int) $created['term_id'];
		}
		return array_values( array_unique( $ids ) );
	}

	/**
	 * Downloads an image into the media library (reusing an earlier download of the same URL).
	 *
	 * @return int|WP_Error Attachment id.
	 */
	private static function sideload( string $url, int $post_id, array $image, string $fallback_alt ) {
		if ( ! preg_match( '#^https?://[^\s]+$#i', $url ) ) {
			return new WP_Error( 'invalid_url', 'Not an http(s) URL.' );
		}
		$existing = get_posts(
			array(
				'post_type'        => 'attachment',
				'post_status'      => 'inherit',
				'meta_key'         => self::SOURCE_URL_META,
				'meta_value'       => $url,
				'fields'           => 'ids',
				'numberposts'      => 1,
				'suppress_filters' => true,
			)
		);
		if ( $existing ) {
			$attachment_id = (int) $existing[0];
		} else {
			require_once ABSPATH . 'wp-admin/includes/media.php';
			require_once ABSPATH . 'wp-admin/includes/file.php';
			require_once ABSPATH . 'wp-admin/includes/image.php';
			$attachment_id = media_sideload_image( $url, $post_id, null, 'id' );
			if ( is_wp_error( $attachment_id ) ) {
				return $attachment_id;
			}
			$attachment_id = (int) $attachment_id;
			update_post_meta( $attachment_id, self::SOURCE_URL_META, $url );
		}
		$alt = isset( $image['alt'] ) && is_string( $image['alt'] ) && '' !== $image['alt'] ? $image['alt'] : $fallback_alt;
		update_post_meta( $attachment_id, '_wp_attachment_image_alt', wp_slash( sanitize_text_field( $alt ) ) );
		if ( isset( $image['caption'] ) && is_string( $image['caption'] ) ) {
			wp_update_post( wp_slash( array( 'ID' => $attachment_id, 'post_excerpt' => $image['caption'] ) ) );
		}
		return $attachment_id;
	}

	private static function string_field( array $input, array $names ): ?string {
		foreach ( $names as $name ) {
			if ( isset( $input[ $name ] ) && is_string( $input[ $name ] ) ) {
				return $input[ $name ];
			}
		}
		return null;
	}

	private static function strings( array $values ): array {
		return array_values( array_filter( $values, static fn ( $value ) => is_string( $value ) && '' !== trim( $value ) ) );
	}
}
