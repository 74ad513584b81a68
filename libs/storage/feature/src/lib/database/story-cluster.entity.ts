import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A story: articles about the same event (near-duplicates by SimHash, or close embeddings). */
/** The timeline's order, newest first (a descending index: raw SQL in the migration). */
@Index('IDX_story_clusters_recent', { synchronize: false })
@Entity('story_clusters')
export class StoryClusterEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text', { default: '' })
  title!: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;

  @Column('integer', { default: 0 })
  size!: number;
}
