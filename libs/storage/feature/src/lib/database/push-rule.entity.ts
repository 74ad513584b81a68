import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from './user.entity';

/** A user's rule: conditions (keywords, topics, sources) and the actions taken on each newly analysed article that meets them. */
@Entity('push_rules')
export class PushRuleEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('IDX_push_rules_user_id')
  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_push_rules_user' })
  user?: UserEntity;

  @Column('text')
  name!: string;

  /** Case-folded words or phrases; any one matches. */
  @Column('text', { array: true, default: '{}' })
  keywords!: string[];

  @Column('text', { array: true, default: '{}' })
  topics!: string[];

  @Column('text', { name: 'source_ids', array: true, default: '{}' })
  sourceIds!: string[];

  /** notify, webhook, digest, mark_read, mute. */
  @Column('text', { array: true, default: '{}' })
  actions!: string[];

  @Column('boolean', { default: true })
  enabled!: boolean;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
