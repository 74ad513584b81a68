import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A story: articles about the same event (near-duplicates by SimHash, or close embeddings). */
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
