import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { SourceEntity } from './source.entity';

/** The WebSub subscription of a source to the hub its feed advertises. */
@Entity('websub_subscriptions')
export class WebSubSubscriptionEntity {
  @PrimaryColumn('uuid', { name: 'source_id', primaryKeyConstraintName: 'PK_websub_subscriptions' })
  sourceId!: string;

  @OneToOne(() => SourceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'source_id', foreignKeyConstraintName: 'FK_websub_subscriptions_source' })
  source?: SourceEntity;

  @Column('text', { name: 'hub_url' })
  hubUrl!: string;

  @Column('text', { name: 'topic_url' })
  topicUrl!: string;

  /** storage.WebSubState. */
  @Column('smallint')
  state!: number;

  /** Hex HMAC key given to the hub; never leaves the services. */
  @Column('text', { default: '' })
  secret!: string;

  @Column('integer', { name: 'lease_seconds', default: 0 })
  leaseSeconds!: number;

  @Column('timestamptz', { name: 'lease_expires_at', nullable: true })
  leaseExpiresAt!: Date | null;

  /** When the subscriber acts next (subscribe, renew, retry); null: nothing to do. */
  @Index('IDX_websub_subscriptions_renew_at')
  @Column('timestamptz', { name: 'renew_at', nullable: true })
  renewAt!: Date | null;

  @Column('text', { name: 'last_error', default: '' })
  lastError!: string;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
