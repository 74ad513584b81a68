import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@autoglm/shared-errors';
import { ARTICLE_REF_COLUMNS, FEED_TIME, NEWEST_ANALYSIS_JOIN } from '../articles/article-row';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { isUuid } from '../shared/ids';
import type { StoryEntryRow, StoryRow } from './story-row';

/** A story's timeline shows at most this many articles (the oldest ones: how the story unfolded). */
const MAX_TIMELINE = 500;

@Injectable()
export class StoriesService {
  constructor(@Inject(STORAGE_DATABASE) private readonly db: StorageDatabase) {}

  /** The story and its articles by publication time, oldest first. */
  async get(id: string): Promise<{ story: StoryRow; timeline: StoryEntryRow[] }> {
    const stories = isUuid(id)
      ? ((await this.db.dataSource.query(
          `SELECT id, title, created_at AS "createdAt", updated_at AS "updatedAt", size FROM story_clusters WHERE id = $1`,
          [id],
        )) as StoryRow[])
      : [];
    if (!stories[0]) throw storyNotFound(id);
    const timeline = (await this.db.dataSource.query(
      `SELECT ${ARTICLE_REF_COLUMNS}, m.joined_at AS "joinedAt", m.similarity
         FROM story_memberships m JOIN articles a ON a.id = m.article_id ${NEWEST_ANALYSIS_JOIN}
        WHERE m.cluster_id = $1
        ORDER BY ${FEED_TIME}, a.id
        LIMIT ${MAX_TIMELINE}`,
      [id],
    )) as StoryEntryRow[];
    return { story: stories[0], timeline };
  }
}

export function storyNotFound(id: string): DomainError {
  return DomainError.notFound(`story ${id} not found`);
}
