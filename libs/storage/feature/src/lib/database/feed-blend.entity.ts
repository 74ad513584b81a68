import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A user's relevance/freshness/diversity blend for the For-You ranking (no row: the recommender's default). */
@Entity('feed_blends')
export class FeedBlendEntity {
  @PrimaryColumn('text', { name: 'user_id', primaryKeyConstraintName: 'PK_feed_blends' })
  userId!: string;

  @Column('double precision')
  relevance!: number;

  @Column('double precision')
  freshness!: number;

  @Column('double precision')
  diversity!: number;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
