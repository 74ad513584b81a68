import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class PullModelDto {
  @ApiProperty({ description: 'Hugging Face repository id (owner/name) of an ONNX export.', example: 'Xenova/all-MiniLM-L6-v2', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  repoId!: string;

  @ApiPropertyOptional({ description: 'Branch, tag or commit.', default: 'main', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  revision?: string;

  @ApiPropertyOptional({ description: 'Take onnx/model_quantized.onnx (int8) instead of onnx/model.onnx.', default: false })
  @IsOptional()
  @IsBoolean()
  quantized?: boolean;
}

/** A model pull running in the analysis service, or how it ended. */
export class PullJobDto {
  @ApiProperty({ description: 'Job id, for GET /api/v1/admin/models/pull/{jobId}.' })
  id!: string;

  @ApiProperty({ example: 'Xenova/all-MiniLM-L6-v2' })
  repoId!: string;

  @ApiProperty({ example: 'main' })
  revision!: string;

  @ApiProperty({ enum: ['running', 'succeeded', 'failed'] })
  state!: string;

  @ApiProperty({ description: 'Bytes downloaded so far.' })
  bytesDone!: number;

  @ApiProperty({ description: 'Sizes of the files started so far (grows as files start; 0 while unknown).' })
  bytesTotal!: number;

  @ApiProperty({ type: String, nullable: true, description: 'The file being downloaded.' })
  currentFile!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why the pull failed (state failed).' })
  error!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The installed model (owner--name) once the pull succeeded; use it as Embed\'s model.' })
  modelName!: string | null;

  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finishedAt!: string | null;
}

export class PullStartedDto extends PullJobDto {
  @ApiProperty({ description: 'False when a pull of the same repository was already running: this is that job.' })
  created!: boolean;
}

export class InstalledModelDto {
  @ApiProperty({ description: 'Folder name in the models directory (owner--name for pulled models).', example: 'wink-sg100d' })
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  version!: string | null;

  @ApiProperty()
  dimension!: number;

  @ApiProperty({ type: String, nullable: true, example: 'Apache-2.0' })
  license!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Where the model comes from.' })
  source!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'wordpiece' })
  tokenizer!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'mean' })
  pooling!: string | null;

  @ApiProperty()
  maxTokens!: number;

  @ApiProperty({ description: 'The model Embed uses when a request names none.' })
  isDefault!: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Why the manifest cannot be used; null when it can.' })
  problem!: string | null;
}

export class InstalledModelListDto {
  @ApiProperty({ type: [InstalledModelDto] })
  items!: InstalledModelDto[];
}
