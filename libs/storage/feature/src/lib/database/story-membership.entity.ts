import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
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
}
