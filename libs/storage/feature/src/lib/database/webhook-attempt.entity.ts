import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';

/** One try of a delivery: the HTTP status (0: none) or the error, and how long it took. */
@Entity('webhook_attempts')
@Unique('UQ_webhook_attempts_delivery_attempt', ['deliveryId', 'attempt'])
export class WebhookAttemptEntity {
  /** bigint: kept as a string (pg returns int8 as text). */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column('uuid', { name: 'delivery_id' })
  deliveryId!: string;

  @ManyToOne(() => WebhookDeliveryEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'delivery_id', foreignKeyConstraintName: 'FK_webhook_attempts_delivery' })
  delivery?: WebhookDeliveryEntity;

  @Column('integer')
  attempt!: number;

  @Column('integer', { name: 'status_code', default: 0 })
  statusCode!: number;

  @Column('text', { default: '' })
  error!: string;

  @Column('integer', { name: 'duration_ms', default: 0 })
  durationMs!: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
