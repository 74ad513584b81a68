import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { UserEntity } from './user.entity';

/** A search a user keeps under a name: the query, its mode and filters (JSON), run on demand. */
@Entity('saved_searches')
@Unique('UQ_saved_searches_user_name', ['userId', 'name'])
export class SavedSearchEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_saved_searches_user' })
  user?: UserEntity;

  @Column('text')
  name!: string;

  @Column('text')
  query!: string;

  @Column('smallint')
  mode!: number;

  /** The filters as JSON text: sourceId, topic, language, from, to, readState. */
  @Column('text', { default: '{}' })
  filters!: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
