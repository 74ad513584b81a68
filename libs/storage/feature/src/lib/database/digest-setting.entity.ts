import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from './user.entity';

/** A user's digest: how often, where to, and the last window sent (the schedule is derived from it). */
@Entity('digest_settings')
export class DigestSettingEntity {
  @PrimaryColumn('uuid', { name: 'user_id', primaryKeyConstraintName: 'PK_digest_settings' })
  userId!: string;

  @OneToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_digest_settings_user' })
  user?: UserEntity;

  /** off, hourly or daily. */
  @Column('text')
  period!: string;

  @Column('text', { default: '' })
  email!: string;

  /** Start of the last hour/day whose digest was sent. */
  @Column('timestamptz', { name: 'last_window_start', nullable: true })
  lastWindowStart!: Date | null;

  @Column('timestamptz', { name: 'last_sent_at', nullable: true })
  lastSentAt!: Date | null;

  /** A sender working on it until then (another replica leaves it alone). */
  @Column('timestamptz', { name: 'claimed_until', nullable: true })
  claimedUntil!: Date | null;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
