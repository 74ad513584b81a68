import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { SourceEntity } from './source.entity';

@Entity('articles')
@Unique('UQ_articles_source_item_key', ['sourceId', 'itemKey'])
export class ArticleEntity {
  @PrimaryColumn('uuid', { default: () => 'gen_random_uuid()' })
  id!: string;

  @Index('IDX_articles_source_id')
  @Column('uuid', { name: 'source_id' })
  sourceId!: string;

  @ManyToOne(() => SourceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'source_id', foreignKeyConstraintName: 'FK_articles_source' })
  source?: SourceEntity;

  @Column('text', { name: 'item_key' })
  itemKey!: string;

  @Column('text', { default: '' })
  guid!: string;

  @Column('text', { default: '' })
  url!: string;

  @Column('text', { default: '' })
  title!: string;

  @Column('text', { default: '' })
  author!: string;

  @Column('timestamptz', { name: 'published_at', nullable: true })
  publishedAt!: Date | null;

  @Column('timestamptz', { name: 'fetched_at' })
  fetchedAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;

  @Column('text', { name: 'content_html', default: '' })
  contentHtml!: string;

  @Column('text', { default: '' })
  text!: string;

  @Column('text', { name: 'content_hash' })
  contentHash!: string;
}
