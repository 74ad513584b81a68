import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** A person using the instance; the first one created is its administrator. */
@Entity('users')
@Unique('UQ_users_name', ['name'])
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Lower-case handle, unique. */
  @Column('text')
  name!: string;

  @Column('boolean', { name: 'is_admin', default: false })
  isAdmin!: boolean;

  /** The gateway's salted scrypt hash of the user's password; null = API keys only. */
  @Column('text', { name: 'password_hash', nullable: true })
  passwordHash!: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
