<?php
/**
 * Plugin Name:       IGNY8 WordPress Bridge
 * Plugin URI:        https://igny8.com/
 * Description:       Connects this site to IGNY8: receives published content, reports post status and metadata changes back, and shares the site's structure.
 * Version:           1.0.0
 * Requires at least: 6.1
 * Requires PHP:      8.0
 * Author:            IGNY8
 * License:           GPL-2.0-or-later
 * Text Domain:       igny8-wp-bridge
 *
 * @package Igny8Bridge
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

define( 'IGNY8_BRIDGE_VERSION', '1.0.0' );
define( 'IGNY8_BRIDGE_FILE', __FILE__ );
define( 'IGNY8_BRIDGE_DIR', __DIR__ );
define( 'IGNY8_BRIDGE_SLUG', 'igny8-wp-bridge' );
define( 'IGNY8_BRIDGE_DEFAULT_API_BASE', 'https://api.igny8.com/api' );

require_once __DIR__ . '/includes/class-igny8-options.php';
require_once __DIR__ . '/includes/class-igny8-api-client.php';
require_once __DIR__ . '/includes/class-igny8-site-structure.php';
require_once __DIR__ . '/includes/class-igny8-publisher.php';
require_once __DIR__ . '/includes/class-igny8-rest.php';
require_once __DIR__ . '/includes/class-igny8-webhooks.php';
require_once __DIR__ . '/includes/class-igny8-connection.php';
require_once __DIR__ . '/includes/class-igny8-admin.php';

add_action( 'rest_api_init', array( 'Igny8_Rest', 'register_routes' ) );
add_action( 'init', array( 'Igny8_Options', 'register' ) );
Igny8_Webhooks::hook();
Igny8_Publisher::hook_schema_output();
if ( is_admin() ) {
	Igny8_Admin::hook();
}

register_activation_hook( __FILE__, array( 'Igny8_Options', 'activate' ) );
