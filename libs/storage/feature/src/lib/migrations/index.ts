import { CreateInitialSchema1764000000000 } from './1764000000000-CreateInitialSchema';
import { AddArticleSearch1795600000000 } from './1795600000000-AddArticleSearch';
import { AddArticleTombstones1795700000000 } from './1795700000000-AddArticleTombstones';
import { AddEmbeddingHnswIndex1795710000000 } from './1795710000000-AddEmbeddingHnswIndex';
import { AddStoryClusters1795720000000 } from './1795720000000-AddStoryClusters';
import { AddSourceFullText1795730000000 } from './1795730000000-AddSourceFullText';
import { AddSourceFetchState1795655500000 } from './1795655500000-AddSourceFetchState';
import { AddSourceOptions1795740000000 } from './1795740000000-AddSourceOptions';
import { AddArticleUrlIdentity1795800000000 } from './1795800000000-AddArticleUrlIdentity';
import { AddWebSubSubscriptions1795810000000 } from './1795810000000-AddWebSubSubscriptions';
import { AddUsersAndLibrary1795820000000 } from './1795820000000-AddUsersAndLibrary';
import { RecomputeSimhashBands1795830000000 } from './1795830000000-RecomputeSimhashBands';
import { AddArticleFullText1795840000000 } from './1795840000000-AddArticleFullText';
import { AddItemNumbers1795850000000 } from './1795850000000-AddItemNumbers';
import { AddFeedControls1795950000000 } from './1795950000000-AddFeedControls';
import { AddNearDuplicateOf1795950000001 } from './1795950000001-AddNearDuplicateOf';
import { AddArticleLlmSummaries1795940000000 } from './1795940000000-AddArticleLlmSummaries';
import { AddPushRulesWebhooksDigests1795910000000 } from './1795910000000-AddPushRulesWebhooksDigests';
import { AddSourceClaimedAt1795930000000 } from './1795930000000-AddSourceClaimedAt';
import { AddPasswordsAndSessions1795900000000 } from './1795900000000-AddPasswordsAndSessions';
import { AddSourcePauseAndStoryOrder1795970000000 } from './1795970000000-AddSourcePauseAndStoryOrder';
import { AddUserIdentities1795970000001 } from './1795970000001-AddUserIdentities';
import { AddAnalysisKeywordIndex1796200000000 } from './1796200000000-AddAnalysisKeywordIndex';

/** Every migration, in order (listed explicitly; run at start-up). */
export const STORAGE_MIGRATIONS = [
  CreateInitialSchema1764000000000,
  AddArticleSearch1795600000000,
  AddSourceFetchState1795655500000,
  AddArticleTombstones1795700000000,
  AddEmbeddingHnswIndex1795710000000,
  AddStoryClusters1795720000000,
  AddSourceFullText1795730000000,
  AddSourceOptions1795740000000,
  AddArticleUrlIdentity1795800000000,
  AddWebSubSubscriptions1795810000000,
  AddUsersAndLibrary1795820000000,
  RecomputeSimhashBands1795830000000,
  AddArticleFullText1795840000000,
  AddItemNumbers1795850000000,
  AddPasswordsAndSessions1795900000000,
  AddPushRulesWebhooksDigests1795910000000,
  AddSourceClaimedAt1795930000000,
  AddArticleLlmSummaries1795940000000,
  AddFeedControls1795950000000,
  AddNearDuplicateOf1795950000001,
  AddSourcePauseAndStoryOrder1795970000000,
  AddUserIdentities1795970000001,
  AddAnalysisKeywordIndex1796200000000,
];
