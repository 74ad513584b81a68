import { parseFeed } from 'feedsmith';
import { discoverWebSub, parseLinkHeader } from './websub-links';

const FEED_URL = 'https://news.example/feed.xml';

function rss(channelLinks: string): string {
  return `<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T</title>
    <link>https://news.example/</link>${channelLinks}<item><title>a</title><link>https://news.example/a</link></item></channel></rss>`;
}

describe(discoverWebSub.name, () => {
  it('finds the hub and self URL of an RSS feed (atom:link)', () => {
    const feed = parseFeed(rss('<atom:link rel="hub" href="https://hub.example/"/><atom:link rel="self" href="https://news.example/rss"/>'));

    expect(discoverWebSub(feed, FEED_URL)).toEqual({ hubUrl: 'https://hub.example/', topicUrl: 'https://news.example/rss' });
  });

  it('finds them in an Atom feed and resolves relative links against the fetched URL', () => {
    const feed = parseFeed(`<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><id>x</id><title>T</title>
      <updated>2026-01-01T00:00:00Z</updated><link rel="hub" href="/hub"/><link rel="self" href="atom.xml"/>
      <entry><id>1</id><title>a</title><updated>2026-01-01T00:00:00Z</updated></entry></feed>`);

    expect(discoverWebSub(feed, FEED_URL)).toEqual({ hubUrl: 'https://news.example/hub', topicUrl: 'https://news.example/atom.xml' });
  });

  it('reads the hubs of a JSON Feed', () => {
    const feed = parseFeed(
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 'T',
        feed_url: 'https://news.example/feed.json',
        hubs: [{ type: 'WebSub', url: 'https://hub.example/json' }],
        items: [{ id: '1', title: 'a' }],
      }),
    );

    expect(discoverWebSub(feed, FEED_URL)).toEqual({ hubUrl: 'https://hub.example/json', topicUrl: 'https://news.example/feed.json' });
  });

  it('uses the fetched URL as the topic when the feed names no self link', () => {
    const feed = parseFeed(rss('<atom:link rel="hub" href="https://hub.example/"/>'));

    expect(discoverWebSub(feed, FEED_URL)).toEqual({ hubUrl: 'https://hub.example/', topicUrl: FEED_URL });
  });

  it('prefers the HTTP Link header over the document', () => {
    const feed = parseFeed(rss('<atom:link rel="hub" href="https://doc-hub.example/"/><atom:link rel="self" href="https://news.example/rss"/>'));

    const sut = discoverWebSub(feed, FEED_URL, '<https://header-hub.example/>; rel="hub", <https://news.example/topic>; rel="self"');

    expect(sut).toEqual({ hubUrl: 'https://header-hub.example/', topicUrl: 'https://news.example/topic' });
  });

  it('is null for a feed without a hub, and ignores hubs that are not http(s)', () => {
    expect(discoverWebSub(parseFeed(rss('<atom:link rel="self" href="https://news.example/rss"/>')), FEED_URL)).toBeNull();
    expect(discoverWebSub(parseFeed(rss('<atom:link rel="hub" href="javascript:alert(1)"/>')), FEED_URL)).toBeNull();
    expect(discoverWebSub(parseFeed(rss('<atom:link rel="alternate" href="https://hub.example/"/>')), FEED_URL)).toBeNull();
  });
});

describe(parseLinkHeader.name, () => {
  it('reads several links, quoted and bare rel values, and rel lists', () => {
    const sut = parseLinkHeader('<https://a.example/hub>; rel=hub, </self>; title="x, y"; rel="self alternate", <https://b.example/>; rel="hub"', FEED_URL);

    expect(sut).toEqual({ hubs: ['https://a.example/hub', 'https://b.example/'], self: 'https://news.example/self' });
  });

  it('ignores links without rel and an empty or malformed header', () => {
    expect(parseLinkHeader('<https://a.example/hub>', FEED_URL)).toEqual({ hubs: [] });
    expect(parseLinkHeader('', FEED_URL)).toEqual({ hubs: [] });
    expect(parseLinkHeader('rel="hub"; https://a.example', FEED_URL)).toEqual({ hubs: [] });
  });
});
