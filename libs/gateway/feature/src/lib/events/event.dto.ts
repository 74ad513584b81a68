import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const READING_EVENT_TYPES = ['open', 'dwell', 'like', 'hide'] as const;
export type ReadingEventType = (typeof READING_EVENT_TYPES)[number];

export class CreateEventDto {
  @ApiPropertyOptional({ description: "Whose event; with an API key, omit it (or give your own id): it is the key's user." })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  userId?: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  articleId!: string;

  @ApiProperty({ enum: READING_EVENT_TYPES })
  @IsIn(READING_EVENT_TYPES)
  type!: ReadingEventType;

  @ApiPropertyOptional({ minimum: 0, maximum: 86400, description: 'Seconds spent reading (for "dwell").' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(86400)
  dwellSeconds?: number;
}

export class EventCreatedDto {
  @ApiProperty()
  eventId!: string;
}
