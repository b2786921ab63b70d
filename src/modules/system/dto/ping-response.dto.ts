import { ApiProperty } from '@nestjs/swagger';

export class PingResponseDto {
  @ApiProperty({ example: true })
  success: boolean;

  @ApiProperty({ format: 'date-time' })
  time: string;

  @ApiProperty({ example: '0.1.0' })
  version: string;

  @ApiProperty({ example: '0190d7a4-8a2e-7c3b-9f1e-2d4c6b8a0e12' })
  request_id: string;
}
