import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ArticleEntity } from './article.entity';

/** A user's "more/less like this" on an article (one per user and article). */
@Entity('article_feedback')
export class ArticleFeedbackEntity {
  @PrimaryColumn('text', { name: 'user_id', primaryKeyConstraintName: 'PK_article_feedback' })
  userId!: string;

  @Index('IDX_article_feedback_article_id')
  @PrimaryColumn('uuid', { name: 'article_id', primaryKeyConstraintName: 'PK_article_feedback' })
  articleId!: string;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'FK_article_feedback_article' })
  article?: ArticleEntity;

  /** FeedbackDirection: 1 more, 2 less. */
  @Column('smallint')
  direction!: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
