<?php
// Loads the harness's WordPress in php-cli. Debian's wp-config.php picks /etc/wordpress/config-<host>.php
// by the request's host name, so the host the site is served on comes first on the command line.

if (PHP_SAPI !== 'cli' || $argc < 2) {
    fwrite(STDERR, "usage: php " . basename($argv[0]) . " <host> [...]\n");
    exit(2);
}
$_SERVER['HTTP_HOST'] = $argv[1];
$_SERVER['SERVER_NAME'] = $argv[1];
$_SERVER['REQUEST_METHOD'] = 'GET';
$_SERVER['REQUEST_URI'] = '/';

/** Prints the result as one JSON line, or the error to stderr with exit code 1. */
function harness_finish($result)
{
    if (is_wp_error($result)) {
        fwrite(STDERR, $result->get_error_code() . ': ' . $result->get_error_message() . "\n");
        exit(1);
    }
    echo json_encode($result), "\n";
    exit(0);
}
