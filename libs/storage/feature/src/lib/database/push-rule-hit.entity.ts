import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ArticleEntity } from './article.entity';
import { PushRuleEntity } from './push-rule.entity';
import { UserEntity } from './user.entity';

/** A rule met by an article: written once, so its actions run once however often the article is analysed. */
@Entity('push_rule_hits')
@Index('IDX_push_rule_hits_user_created', ['userId', 'createdAt'])
export class PushRuleHitEntity {
  @PrimaryColumn('uuid', { name: 'rule_id', primaryKeyConstraintName: 'PK_push_rule_hits' })
  ruleId!: string;

  @Index('IDX_push_rule_hits_article_id')
  @PrimaryColumn('uuid', { name: 'article_id', primaryKeyConstraintName: 'PK_push_rule_hits' })
  articleId!: string;

  @ManyToOne(() => PushRuleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'rule_id', foreignKeyConstraintName: 'FK_push_rule_hits_rule' })
  rule?: PushRuleEntity;

  @ManyToOne(() => ArticleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id', foreignKeyConstraintName: 'FK_push_rule_hits_article' })
  article?: ArticleEntity;

  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_push_rule_hits_user' })
  user?: UserEntity;

  /** The rule's actions included "digest": the article goes into the user's next digest. */
  @Column('boolean', { default: false })
  digest!: boolean;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
