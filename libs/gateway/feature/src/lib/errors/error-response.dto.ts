import { ApiProperty } from '@nestjs/swagger';

/** The body of every error answer of the REST API. */
export class ErrorResponseDto {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found' })
  error!: string;

  @ApiProperty({ example: 'source 42 not found' })
  message!: string;
}
