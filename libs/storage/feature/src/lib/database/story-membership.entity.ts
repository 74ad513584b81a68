import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { ArticleEntity } from './article.entity';
import { StoryClusterEntity } from './story-cluster.entity';

/** An article's place in a story (an article is in at most one story). */
@Entity('story_memberships')
@Unique('UQ_story_memberships_article', ['articleId'])
export class StoryMembershipEntity {
  @PrimaryColumn('uuid', { name: 'cluster_id', primaryKeyConstraintName: 'PK_story_memberships' })
  clusterId!: string;

  @PrimaryColumn('uuid', { name: 'article_id', primaryKeyConstraintName: 'PK_story_memberships' })
  articleId!: string;

  @ManyToOne(() => StoryClusterEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cluster_id', foreignKeyConstraintName: 'FK_story_memberships_cluster' })
  cluster?: StoryClusterEntity;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'FK_story_memberships_article' })
  article?: ArticleEntity;

  @Column('timestamptz', { name: 'joined_at' })
  joinedAt!: Date;

  @Column('double precision')
  similarity!: number;

  /** The earlier article this one near-duplicates (SimHash or embedding), apart from its story; null when none. */
  @Index('IDX_story_memberships_near_duplicate_of')
  @Column('uuid', { name: 'near_duplicate_of', nullable: true })
  nearDuplicateOf!: string | null;

  @ManyToOne(() => ArticleEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'near_duplicate_of', foreignKeyConstraintName: 'FK_story_memberships_near_duplicate_of' })
  nearDuplicate?: ArticleEntity;

  /** Hamming distance of the two SimHashes, when they are within the near-duplicate bound. */
  @Column('smallint', { name: 'near_duplicate_distance', nullable: true })
  nearDuplicateDistance!: number | null;

  /** Embedding cosine of the two, when above the near-duplicate bar. */
  @Column('double precision', { name: 'near_duplicate_cosine', nullable: true })
  nearDuplicateCosine!: number | null;
}
