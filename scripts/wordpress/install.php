<?php
// php install.php <host> <admin user> <admin password> <admin email>
// Installs WordPress into the empty database, turns on pretty permalinks (so /wp-json/ routes) and mints an
// Application Password for the admin. Prints {"userId", "appPassword", "version"}.

define('WP_INSTALLING', true);
require __DIR__ . '/wp-bootstrap.php';
[, , $user, $password, $email] = $argv;

require '/usr/share/wordpress/wp-load.php';

/** Pluggable: there is no mail here, and the new-site notification would only fail trying. */
function wp_new_blog_notification()
{
}

require_once ABSPATH . 'wp-admin/includes/upgrade.php';

if (is_blog_installed()) {
    harness_finish(new WP_Error('already_installed', 'WordPress is already installed in this database'));
}
$installed = wp_install('igny8 WordPress harness', $user, $email, false, '', wp_slash($password));
$user_id = $installed['user_id'];

global $wp_rewrite;
$wp_rewrite->set_permalink_structure('/%postname%/');

if (!wp_is_application_passwords_available()) {
    harness_finish(new WP_Error('no_application_passwords', 'Application Passwords are unavailable (WP_ENVIRONMENT_TYPE must be local over http)'));
}
$minted = WP_Application_Passwords::create_new_application_password($user_id, ['name' => 'igny8 tests']);
if (is_wp_error($minted)) {
    harness_finish($minted);
}
harness_finish(['userId' => $user_id, 'appPassword' => $minted[0], 'version' => get_bloginfo('version')]);
