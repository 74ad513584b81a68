import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ArticleEntity } from './article.entity';

/** Work committed with the data that caused it; the relay publishes it to the queue. */
@Entity('outbox')
// Partial index (published_at IS NULL) in raw SQL.
@Index('IDX_outbox_unpublished', { synchronize: false })
export class OutboxMessageEntity {
  /** bigint: kept as a string (pg returns int8 as text). */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column('text')
  topic!: string;

  @Column('uuid', { name: 'article_id' })
  articleId!: string;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'FK_outbox_article' })
  article?: ArticleEntity;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'published_at', nullable: true })
  publishedAt!: Date | null;
}
