import { ApiProperty } from '@nestjs/swagger';
import { Pk, Text } from '../../../common/http/fields.js';

/** `POST integration/integrations/test-connection/`: the bridge plugin's handshake. */
export class HandshakeDto {
  @Pk({ required: true }, { description: 'The IGNY8 site id pasted into the plugin.' }) site_id: number;
  @Text({ max: 100 }, { description: 'The site API key; required without an editor’s token.' })
  api_key?: string;
  @Text({ required: true, max: 500, blank: false }, { example: 'https://blog.example.com' })
  site_url: string;
}

export class HandshakeResultDto {
  @ApiProperty() integration_id: number;
  @ApiProperty() site_id: number;
  @ApiProperty() connected: boolean;
  @ApiProperty({ example: 'connected' }) connection_status: string;
  @ApiProperty() message: string;
}
