import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { UserEntity } from './user.entity';

/**
 * An API key: only its SHA-256 is stored (keys are 256 random bits, so a fast hash cannot be
 * brute-forced), with a short prefix a person can recognise it by.
 */
@Entity('api_keys')
@Unique('UQ_api_keys_key_hash', ['keyHash'])
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('IDX_api_keys_user_id')
  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_api_keys_user' })
  user?: UserEntity;

  @Column('text')
  name!: string;

  @Column('text')
  prefix!: string;

  @Column('text', { name: 'key_hash' })
  keyHash!: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'last_used_at', nullable: true })
  lastUsedAt!: Date | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;
}
