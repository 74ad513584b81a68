import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { ArticleEntity } from './article.entity';

/** Whether an article of a full_text source has its page's text: waiting (with retries), stored, or unavailable and why. */
@Entity('article_full_text')
// Partial indexes (state = 1, waiting) in raw SQL.
@Index('IDX_article_full_text_due', { synchronize: false })
@Index('IDX_article_full_text_source_pending', { synchronize: false })
export class ArticleFullTextEntity {
  @PrimaryColumn('uuid', { name: 'article_id', primaryKeyConstraintName: 'PK_article_full_text' })
  articleId!: string;

  @OneToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'FK_article_full_text_article' })
  article?: ArticleEntity;

  /** Denormalized from the article: counts per source without a join. */
  @Column('uuid', { name: 'source_id' })
  sourceId!: string;

  /** storage.FullTextState. */
  @Column('smallint')
  state!: number;

  /** Content hash of the item as the feed gave it: the same teaser again does not undo the page's text. */
  @Column('text', { name: 'feed_hash' })
  feedHash!: string;

  /** Claims so far (each claim is one attempt). */
  @Column('integer', { default: 0 })
  attempts!: number;

  /** When a waiting row may be claimed next (a claim pushes it out by its lease). */
  @Column('timestamptz', { name: 'next_attempt_at' })
  nextAttemptAt!: Date;

  /** Why the page's text is unavailable (the last failure while still retried). */
  @Column('text', { default: '' })
  failure!: string;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
