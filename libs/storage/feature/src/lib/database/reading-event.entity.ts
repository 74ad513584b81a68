import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ArticleEntity } from './article.entity';

@Entity('reading_events')
// (user_id, occurred_at DESC, id DESC) in raw SQL: TypeORM cannot express a descending key.
@Index('IDX_reading_events_user_occurred', { synchronize: false })
export class ReadingEventEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text', { name: 'user_id' })
  userId!: string;

  @Column('uuid', { name: 'article_id' })
  articleId!: string;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'FK_reading_events_article' })
  article?: ArticleEntity;

  @Column('smallint')
  type!: number;

  @Column('double precision', { name: 'dwell_seconds', default: 0 })
  dwellSeconds!: number;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt!: Date;
}
