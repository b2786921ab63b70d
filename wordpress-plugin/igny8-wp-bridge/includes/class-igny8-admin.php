<?php
/**
 * The settings page (Settings → IGNY8 Bridge): key, site id, switches, API base URL and the Connect button.
 *
 * @package Igny8Bridge
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

class Igny8_Admin {
	const PAGE = 'igny8-wp-bridge';

	public static function hook(): void {
		add_action( 'admin_menu', array( __CLASS__, 'menu' ) );
		add_action( 'admin_post_igny8_connect', array( __CLASS__, 'connect' ) );
	}

	public static function menu(): void {
		add_options_page( 'IGNY8 Bridge', 'IGNY8 Bridge', 'manage_options', self::PAGE, array( __CLASS__, 'render' ) );
	}

	public static function connect(): void {
		if ( ! current_user_can( 'manage_options' ) ) {
			wp_die( esc_html__( 'You may not do this.', 'igny8-wp-bridge' ), 403 );
		}
		check_admin_referer( 'igny8_connect' );
		Igny8_Connection::handshake();
		wp_safe_redirect( admin_url( 'options-general.php?page=' . self::PAGE ) );
		exit;
	}

	public static function render(): void {
		if ( ! current_user_can( 'manage_options' ) ) {
			return;
		}
		$last    = get_option( Igny8_Options::LAST_CONNECTION );
		$webhook = get_option( Igny8_Webhooks::LAST_OPTION );
		?>
		<div class="wrap">
			<h1><?php esc_html_e( 'IGNY8 WordPress Bridge', 'igny8-wp-bridge' ); ?></h1>
			<form method="post" action="options.php">
				<?php settings_fields( Igny8_Options::GROUP ); ?>
				<table class="form-table" role="presentation">
					<tr>
						<th scope="row"><label for="igny8_api_key"><?php esc_html_e( 'API key', 'igny8-wp-bridge' ); ?></label></th>
						<td><input type="password" class="regular-text" id="igny8_api_key" name="<?php echo esc_attr( Igny8_Options::API_KEY ); ?>" value="<?php echo esc_attr( Igny8_Options::api_key() ); ?>" autocomplete="off" /></td>
					</tr>
					<tr>
						<th scope="row"><label for="igny8_site_id"><?php esc_html_e( 'IGNY8 site id', 'igny8-wp-bridge' ); ?></label></th>
						<td><input type="number" min="1" id="igny8_site_id" name="<?php echo esc_attr( Igny8_Options::SITE_ID ); ?>" value="<?php echo esc_attr( (string) Igny8_Options::site_id() ); ?>" /></td>
					</tr>
					<tr>
						<th scope="row"><?php esc_html_e( 'Connection', 'igny8-wp-bridge' ); ?></th>
						<td>
							<input type="hidden" name="<?php echo esc_attr( Igny8_Options::ENABLED ); ?>" value="0" />
							<label><input type="checkbox" name="<?php echo esc_attr( Igny8_Options::ENABLED ); ?>" value="1" <?php checked( Igny8_Options::enabled() ); ?> /> <?php esc_html_e( 'Enabled', 'igny8-wp-bridge' ); ?></label>
						</td>
					</tr>
					<tr>
						<th scope="row"><?php esc_html_e( 'Two-way sync', 'igny8-wp-bridge' ); ?></th>
						<td>
							<input type="hidden" name="<?php echo esc_attr( Igny8_Options::TWO_WAY_SYNC ); ?>" value="0" />
							<label><input type="checkbox" name="<?php echo esc_attr( Igny8_Options::TWO_WAY_SYNC ); ?>" value="1" <?php checked( Igny8_Options::two_way_sync() ); ?> /> <?php esc_html_e( 'Report edits of IGNY8 posts back to IGNY8', 'igny8-wp-bridge' ); ?></label>
						</td>
					</tr>
					<tr>
						<th scope="row"><label for="igny8_api_base_url"><?php esc_html_e( 'IGNY8 API base URL', 'igny8-wp-bridge' ); ?></label></th>
						<td><input type="url" class="regular-text" id="igny8_api_base_url" name="<?php echo esc_attr( Igny8_Options::API_BASE_URL ); ?>" value="<?php echo esc_attr( Igny8_Options::api_base_url() ); ?>" /></td>
					</tr>
				</table>
				<?php submit_button(); ?>
			</form>
			<form method="post" action="<?php echo esc_url( admin_url( 'admin-post.php' ) ); ?>">
				<input type="hidden" name="action" value="igny8_connect" />
				<?php wp_nonce_field( 'igny8_connect' ); ?>
				<?php submit_button( __( 'Connect to IGNY8', 'igny8-wp-bridge' ), 'secondary' ); ?>
			</form>
			<?php if ( is_array( $last ) ) : ?>
				<p><strong><?php esc_html_e( 'Last connection attempt:', 'igny8-wp-bridge' ); ?></strong>
					<?php echo esc_html( ( $last['connected'] ? '✔ ' : '✘ ' ) . $last['message'] . ' (' . $last['at'] . ')' ); ?></p>
			<?php endif; ?>
			<?php if ( is_array( $webhook ) ) : ?>
				<p><strong><?php esc_html_e( 'Last report to IGNY8:', 'igny8-wp-bridge' ); ?></strong>
					<?php echo esc_html( $webhook['kind'] . ': ' . ( $webhook['ok'] ? 'OK' : $webhook['error'] ) . ' (' . $webhook['at'] . ')' ); ?></p>
			<?php endif; ?>
		</div>
		<?php
	}
}
