import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SourceEntity } from './source.entity';

/** A deleted article's identity: upserts of the same (source, item key) are skipped. */
@Entity('article_tombstones')
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
}
