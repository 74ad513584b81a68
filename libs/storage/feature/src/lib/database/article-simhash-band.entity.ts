import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ArticleEntity } from './article.entity';

/** One band (SIMHASH_BANDS, SIMHASH_BAND_WIDTHS) of an article's 64-bit SimHash: articles sharing a band are near-duplicate candidates. */
@Entity('article_simhash_bands')
@Index('IDX_article_simhash_bands_band_value', ['band', 'value'])
export class ArticleSimhashBandEntity {
  @PrimaryColumn('uuid', { name: 'article_id', primaryKeyConstraintName: 'PK_article_simhash_bands' })
  articleId!: string;

  @PrimaryColumn('smallint', { primaryKeyConstraintName: 'PK_article_simhash_bands' })
  band!: number;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'FK_article_simhash_bands_article' })
  article?: ArticleEntity;

  @Column('integer')
  value!: number;
}
