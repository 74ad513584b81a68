import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from './user.entity';

/** A user's identity at an OpenID Connect provider: the provider's issuer and its id of the person. */
@Entity('user_identities')
export class UserIdentityEntity {
  @PrimaryColumn('text', { primaryKeyConstraintName: 'PK_user_identities' })
  issuer!: string;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'PK_user_identities' })
  subject!: string;

  @Index('IDX_user_identities_user_id')
  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_user_identities_user' })
  user?: UserEntity;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
