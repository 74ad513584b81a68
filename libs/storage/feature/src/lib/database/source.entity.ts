import { Column, Entity, Generated, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

@Entity('sources')
@Unique('UQ_sources_url', ['url'])
@Unique('UQ_sources_feed_number', ['feedNumber'])
export class SourceEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text')
  url!: string;

  /** Stable positive 64-bit number from a sequence (Fever's integer feed ids); bigint as text. */
  @Column({ type: 'bigint', name: 'feed_number', insert: false, update: false })
  @Generated('increment')
  feedNumber!: string;

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

  /** When the scheduler claimed the source for a crawl that has not reported back yet (null: not claimed). */
  @Column('timestamptz', { name: 'claimed_at', nullable: true })
  claimedAt!: Date | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('text', { default: 'api' })
  origin!: string;

  /** Validators of the last full response, for conditional GET (If-None-Match / If-Modified-Since). */
  @Column('text', { default: '' })
  etag!: string;

  @Column('text', { name: 'last_modified', default: '' })
  lastModified!: string;

  /** Folder path of the source ("Tech / AI"), e.g. from an OPML import. */
  @Column('text', { default: '' })
  category!: string;

  /** Fetch each new item's page and keep its extracted main content. */
  @Column('boolean', { name: 'full_text', default: false })
  fullText!: boolean;

  /** Options of a JSON API or web-page source (JSON text); empty for feeds. */
  @Column('text', { name: 'source_options', default: '' })
  sourceOptions!: string;

  /** interval_seconds adapted to how often the source publishes, within the scheduler's bounds. */
  @Column('integer', { name: 'effective_interval_seconds' })
  effectiveIntervalSeconds!: number;

  /** When an administrator paused the source; null when it is not paused by hand. */
  @Column('timestamptz', { name: 'paused_at', nullable: true })
  pausedAt!: Date | null;
}
