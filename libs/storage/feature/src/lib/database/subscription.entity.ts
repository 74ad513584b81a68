import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SourceEntity } from './source.entity';
import { UserEntity } from './user.entity';

/** A user follows a source (sources are shared; subscriptions are per user). */
@Entity('subscriptions')
export class SubscriptionEntity {
  @PrimaryColumn('uuid', { name: 'user_id', primaryKeyConstraintName: 'PK_subscriptions' })
  userId!: string;

  @Index('IDX_subscriptions_source_id')
  @PrimaryColumn('uuid', { name: 'source_id', primaryKeyConstraintName: 'PK_subscriptions' })
  sourceId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_subscriptions_user' })
  user?: UserEntity;

  @ManyToOne(() => SourceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'source_id', foreignKeyConstraintName: 'FK_subscriptions_source' })
  source?: SourceEntity;

  /** The user's own folder for the source ('' = none). */
  @Column('text', { default: '' })
  category!: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
