import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ArticleEntity } from './article.entity';
import { UserEntity } from './user.entity';

/** A user's read / starred marks on an article; no row = unread and not starred. */
@Entity('article_states')
export class ArticleStateEntity {
  @PrimaryColumn('uuid', { name: 'user_id', primaryKeyConstraintName: 'PK_article_states' })
  userId!: string;

  @Index('IDX_article_states_article_id')
  @PrimaryColumn('uuid', { name: 'article_id', primaryKeyConstraintName: 'PK_article_states' })
  articleId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_article_states_user' })
  user?: UserEntity;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'FK_article_states_article' })
  article?: ArticleEntity;

  @Column('timestamptz', { name: 'read_at', nullable: true })
  readAt!: Date | null;

  @Column('timestamptz', { name: 'starred_at', nullable: true })
  starredAt!: Date | null;
}
