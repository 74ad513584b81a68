import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ArticleEntity } from './article.entity';

@Entity('article_analyses')
// (article_id, created_at DESC) in raw SQL: TypeORM cannot express a descending key.
@Index('IDX_article_analyses_newest', { synchronize: false })
// GIN over keywords in raw SQL (story assignment's `keywords && …`).
@Index('IDX_article_analyses_keywords', { synchronize: false })
export class ArticleAnalysisEntity {
  @PrimaryColumn('uuid', { name: 'article_id' })
  articleId!: string;

  @PrimaryColumn('text', { name: 'model_version' })
  modelVersion!: string;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'FK_article_analyses_article' })
  article?: ArticleEntity;

  @Column('text', { default: '' })
  language!: string;

  @Column('text', { array: true, default: () => "'{}'" })
  keywords!: string[];

  @Column('text', { default: '' })
  topic!: string;

  @Column('text', { default: '' })
  summary!: string;

  @Column('text', { default: '' })
  simhash!: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
