import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from './user.entity';

/** Where a user's webhook deliveries go, with the HMAC key that signs them. */
@Entity('webhook_endpoints')
export class WebhookEndpointEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('IDX_webhook_endpoints_user_id')
  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_webhook_endpoints_user' })
  user?: UserEntity;

  @Column('text')
  url!: string;

  /** HMAC-SHA256 key; shown once at creation, never returned again, never logged. */
  @Column('text')
  secret!: string;

  @Column('text', { default: '' })
  description!: string;

  @Column('boolean', { default: true })
  enabled!: boolean;

  @Column('integer', { name: 'consecutive_failures', default: 0 })
  consecutiveFailures!: number;

  @Column('text', { name: 'disabled_reason', default: '' })
  disabledReason!: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
