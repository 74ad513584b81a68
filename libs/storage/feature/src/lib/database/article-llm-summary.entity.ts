import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { ArticleEntity } from './article.entity';

/** An article's abstractive summary from the optional LLM endpoint (one per article; the newest replaces the last). */
@Entity('article_llm_summaries')
export class ArticleLlmSummaryEntity {
  @PrimaryColumn('uuid', { name: 'article_id', primaryKeyConstraintName: 'PK_article_llm_summaries' })
  articleId!: string;

  @OneToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'FK_article_llm_summaries_article' })
  article?: ArticleEntity;

  @Column('text')
  summary!: string;

  /** Language code of the summary. */
  @Column('text')
  language!: string;

  /** The model that wrote it (as the endpoint named it). */
  @Column('text')
  model!: string;

  /** Tokens the call cost (prompt + completion). */
  @Column('integer')
  tokens!: number;

  /** What was summarised (title, text, language, model): a replayed job with the same input does not call the LLM again. */
  @Column('text', { name: 'input_hash' })
  inputHash!: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
