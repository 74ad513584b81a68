import { ApiProperty } from '@nestjs/swagger';
import { ArticleSummaryDto } from '../articles/article.dto';

export class StoryEntryDto {
  @ApiProperty({ type: ArticleSummaryDto })
  article!: ArticleSummaryDto;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the article joined the story.' })
  joinedAt!: string | null;

  @ApiProperty({ description: 'Similarity to the article it was matched with (1 for the article that started the story).' })
  similarity!: number;
}

export class StoryDto {
  @ApiProperty()
  id!: string;

  @ApiProperty({ description: 'The title of the article that started the story.' })
  title!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  createdAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  updatedAt!: string | null;

  @ApiProperty({ description: 'How many articles the story has.' })
  size!: number;

  @ApiProperty({ type: [StoryEntryDto], description: 'The articles by publication time, oldest first.' })
  timeline!: StoryEntryDto[];
}
