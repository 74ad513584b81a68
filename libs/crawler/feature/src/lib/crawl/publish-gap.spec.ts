import type { storage } from '@autoglm/contracts';
import { medianPublishGapSeconds } from './publish-gap';

function item(publishedAtSeconds: number | undefined): storage.FeedItem {
  return {
    itemKey: `k${publishedAtSeconds}`,
    guid: '',
    url: '',
    title: '',
    author: '',
    publishedAt: publishedAtSeconds === undefined ? undefined : { seconds: String(publishedAtSeconds), nanos: 0 },
    contentHtml: '',
    text: '',
    contentHash: '',
  } as storage.FeedItem;
}

describe(medianPublishGapSeconds.name, () => {
  it('is the median gap between publication times, whatever the item order', () => {
    expect(medianPublishGapSeconds([item(3600), item(0), item(1800), item(5400)])).toBe(1800);
  });

  it('ignores one very old item at the bottom of the feed', () => {
    expect(medianPublishGapSeconds([item(1_000_000), item(1_000_600), item(1_001_200), item(1_001_800), item(10)])).toBe(600);
  });

  it('averages the two middle gaps of an even count', () => {
    expect(medianPublishGapSeconds([item(0), item(100), item(400)])).toBe(200);
  });

  it('counts items published at the same second once', () => {
    expect(medianPublishGapSeconds([item(0), item(0), item(0), item(900)])).toBe(900);
  });

  it('is 0 when fewer than two items are dated', () => {
    expect(medianPublishGapSeconds([])).toBe(0);
    expect(medianPublishGapSeconds([item(100), item(undefined), item(undefined)])).toBe(0);
  });
});
