import { CreateInitialSchema1764000000000 } from './1764000000000-CreateInitialSchema';
import { AddArticleSearch1795600000000 } from './1795600000000-AddArticleSearch';

/** Every migration, in order (listed explicitly; run at start-up). */
export const STORAGE_MIGRATIONS = [CreateInitialSchema1764000000000, AddArticleSearch1795600000000];
