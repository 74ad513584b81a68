import { Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { SourceEntity } from './source.entity';

@Entity('articles')
@Unique('UQ_articles_source_item_key', ['sourceId', 'itemKey'])
@Unique('UQ_articles_item_number', ['itemNumber'])
// Raw SQL in the migrations (expression index / GIN over tsvector): declared so the drift check knows them.
@Index('IDX_articles_feed_order', { synchronize: false })
@Index('IDX_articles_search_vector', { synchronize: false })
@Index('IDX_articles_source_url', { synchronize: false })
export class ArticleEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Stable positive 64-bit number from a sequence (feed-reader protocols with integer item ids); bigint as text. */
  @Column({ type: 'bigint', name: 'item_number', insert: false, update: false })
  @Generated('increment')
  itemNumber!: string;

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

  /** Written by raw SQL only (jieba-segmented in Node); never selected through the ORM. */
  @Column({ type: 'tsvector', name: 'search_vector', nullable: true, select: false, insert: false, update: false })
  searchVector?: string | null;
}
