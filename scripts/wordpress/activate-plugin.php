<?php
// php activate-plugin.php <host> <plugin folder name>
// Activates the plugin in wp-content/plugins/<folder> (its main file is the one with a Plugin Name header).
// Prints {"plugin": "<folder>/<main file>.php", "name", "version"}.

require __DIR__ . '/wp-bootstrap.php';
$folder = $argv[2] ?? '';

require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

$found = get_plugins('/' . $folder);
if ($folder === '' || count($found) !== 1) {
    harness_finish(new WP_Error('plugin_not_found', sprintf('expected one plugin file with a Plugin Name header in wp-content/plugins/%s, found %d', $folder, count($found))));
}
$main = array_key_first($found);
$plugin = $folder . '/' . $main;
$activated = activate_plugin($plugin);
if (is_wp_error($activated)) {
    harness_finish($activated);
}
harness_finish(['plugin' => $plugin, 'name' => $found[$main]['Name'], 'version' => $found[$main]['Version']]);
