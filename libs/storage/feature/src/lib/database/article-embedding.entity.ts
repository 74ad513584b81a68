import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ArticleEntity } from './article.entity';

/**
 * One embedding per (article, model version). The pgvector column `vec` is added by the
 * migration only when the extension exists, so it is not mapped here (raw SQL reads it).
 */
@Entity('article_embeddings')
export class ArticleEmbeddingEntity {
  @PrimaryColumn('uuid', { name: 'article_id' })
  articleId!: string;

  @PrimaryColumn('text', { name: 'model_version' })
  modelVersion!: string;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'FK_article_embeddings_article' })
  article?: ArticleEntity;

  @Column('integer')
  dims!: number;

  @Column('real', { array: true })
  values!: number[];
}
