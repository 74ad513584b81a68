import { ApiProperty } from '@nestjs/swagger';

/** The model the analysis service runs and how it runs it. */
export class ModelInfoDto {
  @ApiProperty({ example: 'all-MiniLM-L6-v2' })
  name!: string;

  @ApiProperty()
  version!: string;

  @ApiProperty({ description: 'Embedding dimension.' })
  dimension!: number;

  @ApiProperty({ description: 'Checksum of the model files.' })
  sha256!: string;

  @ApiProperty()
  license!: string;

  @ApiProperty({ description: 'Where the model comes from.' })
  source!: string;

  @ApiProperty({ example: 'cpu', description: 'Execution provider chosen at start-up.' })
  executionProvider!: string;

  @ApiProperty()
  maxBatchSize!: number;

  @ApiProperty()
  maxQueueDelayMs!: number;
}
