import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('sources')
export class SourceEntity {
  @PrimaryColumn('uuid', { default: () => 'gen_random_uuid()' })
  id!: string;

  @Index('UQ_sources_url', { unique: true })
  @Column('text')
  url!: string;

  @Column('text', { default: '' })
  title!: string;

  @Column('smallint')
  kind!: number;

  @Column('smallint')
  status!: number;

  @Column('integer', { name: 'interval_seconds' })
  intervalSeconds!: number;

  @Column('text', { name: 'last_error', default: '' })
  lastError!: string;

  @Column('integer', { name: 'consecutive_failures', default: 0 })
  consecutiveFailures!: number;

  @Column('timestamptz', { name: 'last_fetched_at', nullable: true })
  lastFetchedAt!: Date | null;

  @Index('IDX_sources_next_check_at')
  @Column('timestamptz', { name: 'next_check_at' })
  nextCheckAt!: Date;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('text', { default: 'api' })
  origin!: string;
}
