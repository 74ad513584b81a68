import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * One of a user's For-You controls: follow or mute a topic, source or keyword. The user is the acting
 * user of the call (as for reading events: any actor, an account's id or the open instance's user).
 */
@Entity('feed_rules')
@Unique('UQ_feed_rules_user_kind_value', ['userId', 'kind', 'value'])
export class FeedRuleEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text', { name: 'user_id' })
  userId!: string;

  /** FeedRuleKind: 1 topic, 2 source, 3 keyword. */
  @Column('smallint')
  kind!: number;

  @Column('text')
  value!: string;

  /** FeedRuleAction: 1 follow, 2 mute. */
  @Column('smallint')
  action!: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
