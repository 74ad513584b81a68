import { CreateInitialSchema1764000000000 } from './1764000000000-CreateInitialSchema';

/** Every migration, in order (listed explicitly; run at start-up). */
export const STORAGE_MIGRATIONS = [CreateInitialSchema1764000000000];
