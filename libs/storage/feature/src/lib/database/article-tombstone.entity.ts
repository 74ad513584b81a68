import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SourceEntity } from './source.entity';

/** A deleted article's identity: upserts of the same (source, item key), or of a new key with its URL, are skipped. */
@Entity('article_tombstones')
// Raw SQL in the migration (partial index over md5(url)): declared so the drift check knows it.
@Index('IDX_article_tombstones_source_url', { synchronize: false })
export class ArticleTombstoneEntity {
  @PrimaryColumn('uuid', { name: 'source_id', primaryKeyConstraintName: 'PK_article_tombstones' })
  sourceId!: string;

  @PrimaryColumn('text', { name: 'item_key', primaryKeyConstraintName: 'PK_article_tombstones' })
  itemKey!: string;

  @ManyToOne(() => SourceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'source_id', foreignKeyConstraintName: 'FK_article_tombstones_source' })
  source?: SourceEntity;

  @Column('timestamptz', { name: 'deleted_at' })
  deletedAt!: Date;

  /** The deleted article's URL; '' when unknown or shared by other articles of the source (then it identifies nothing). */
  @Column('text', { default: '' })
  url!: string;
}
