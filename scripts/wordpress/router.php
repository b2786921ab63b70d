<?php
// Router for `php -S` serving Debian's WordPress (document root /usr/share/wordpress): what Apache's
// rewrite rules do. The site's wp-content lives outside the document root (IGNY8_WP_CONTENT_DIR), so
// /wp-content/ files (uploads, plugin assets) are served from there; other existing files go to the
// built-in server; everything else (pretty permalinks, /wp-json/) goes to index.php.

$root = $_SERVER['DOCUMENT_ROOT'];
$path = '/' . ltrim(rawurldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?? '/'), '/');
$content_dir = getenv('IGNY8_WP_CONTENT_DIR');

if (str_contains($path, '/../') || str_ends_with($path, '/..')) {
    http_response_code(400);
    return;
}

if ($content_dir !== false && str_starts_with($path, '/wp-content/')) {
    $file = $content_dir . substr($path, strlen('/wp-content'));
    if (is_file($file)) {
        if (str_ends_with($file, '.php')) {
            chdir(dirname($file));
            require $file;
            return;
        }
        $type = mime_content_type($file) ?: 'application/octet-stream';
        if (str_ends_with($file, '.css')) {
            $type = 'text/css';
        } elseif (str_ends_with($file, '.js')) {
            $type = 'text/javascript';
        }
        header('Content-Type: ' . $type);
        header('Content-Length: ' . filesize($file));
        readfile($file);
        return;
    }
}

if (file_exists($root . $path)) {
    if (is_dir($root . $path) && !str_ends_with($path, '/')) {
        header('Location: ' . $path . '/', true, 301);
        return;
    }
    if (is_dir($root . $path) && is_file($root . $path . 'index.php')) {
        $path .= 'index.php';
    }
    if (str_ends_with($path, '.php')) {
        $_SERVER['SCRIPT_NAME'] = $path;
        $_SERVER['PHP_SELF'] = $path;
        $_SERVER['SCRIPT_FILENAME'] = $root . $path;
        chdir(dirname($root . $path));
        require $root . $path;
        return;
    }
    return false;
}

$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['PHP_SELF'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $root . '/index.php';
chdir($root);
require $root . '/index.php';
