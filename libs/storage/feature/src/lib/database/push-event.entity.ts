import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { ArticleEntity } from './article.entity';
import { UserEntity } from './user.entity';

/** One event of a user's push stream; its id (a sequence) is the stream's event id, so a client resumes after it. */
@Entity('push_events')
@Unique('UQ_push_events_user_kind_article', ['userId', 'kind', 'articleId'])
@Index('IDX_push_events_user_id_id', ['userId', 'id'])
export class PushEventEntity {
  /** bigint: kept as a string (pg returns int8 as text). */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_push_events_user' })
  user?: UserEntity;

  /** for_you or rule_hit. */
  @Column('text')
  kind!: string;

  @Index('IDX_push_events_article_id')
  @Column('uuid', { name: 'article_id' })
  articleId!: string;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'FK_push_events_article' })
  article?: ArticleEntity;

  /** The rule of a rule hit (kept when the rule is deleted later: the event happened). */
  @Column('uuid', { name: 'rule_id', nullable: true })
  ruleId!: string | null;

  @Column('double precision', { default: 0 })
  score!: number;

  @Column('text', { default: '' })
  reason!: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
