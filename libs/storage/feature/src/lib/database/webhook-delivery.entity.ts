import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { UserEntity } from './user.entity';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';

/** One event for one endpoint; its id is the delivery id receivers deduplicate on (at-least-once). */
@Entity('webhook_deliveries')
@Unique('UQ_webhook_deliveries_endpoint_event', ['endpointId', 'eventKey'])
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'endpoint_id' })
  endpointId!: string;

  @ManyToOne(() => WebhookEndpointEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'endpoint_id', foreignKeyConstraintName: 'FK_webhook_deliveries_endpoint' })
  endpoint?: WebhookEndpointEntity;

  @Index('IDX_webhook_deliveries_user_id')
  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_webhook_deliveries_user' })
  user?: UserEntity;

  /** What the delivery is about (e.g. rule:<rule id>:<article id>), unique per endpoint. */
  @Column('text', { name: 'event_key' })
  eventKey!: string;

  @Column('text', { name: 'event_type' })
  eventType!: string;

  /** The JSON body as sent (signed byte for byte). */
  @Column('text')
  body!: string;

  /** pending, delivered or failed. */
  @Column('text')
  state!: string;

  @Column('integer', { default: 0 })
  attempts!: number;

  @Index('IDX_webhook_deliveries_next_attempt_at')
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true })
  nextAttemptAt!: Date | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
