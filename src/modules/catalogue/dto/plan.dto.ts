import { ApiProperty } from '@nestjs/swagger';

export class PlanRefDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
}

export class PlanDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty() description: string;
  @ApiProperty({ example: '89.00', description: 'numeric(10,2) as a string' }) price: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ enum: ['monthly', 'annual'] }) billing_cycle: string;
  @ApiProperty() included_credits: number;
  @ApiProperty({ type: 'integer', nullable: true }) max_sites: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) max_users: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) max_keywords: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) max_ahrefs_queries: number | null;
  @ApiProperty() allow_credit_topup: boolean;
  @ApiProperty({ type: 'string', nullable: true, example: '0.0400' }) extra_credit_price: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'boolean' } }) features: Record<
    string,
    boolean
  >;
  @ApiProperty() is_active: boolean;
  @ApiProperty() sort_order: number;
}
