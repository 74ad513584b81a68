import type { Source } from '@autoglm/contracts';
import { defaultConfig } from '@autoglm/shared-config';
import { DomainError, ErrorCode } from '@autoglm/shared-errors';
import type { StorageClient } from '@autoglm/shared-grpc';
import { OpmlService } from './opml.service';
import { testSource } from '@autoglm/shared-testing';

/** A storage fake with a unique-URL source table, like the real one. */
class FakeSourceTable {
  readonly rows: Source[] = [];
  failWith: DomainError | null = null;

  readonly createSource = jest.fn(async (req: { url: string; title: string; category: string; intervalSeconds: number }) => {
    if (this.failWith) throw this.failWith;
    if (req.category.length > 300) throw DomainError.invalidArgument('category is longer than 300 characters');
    const existing = this.rows.find((r) => r.url === req.url);
    if (existing) return { source: existing, created: false };
    const source: Source = testSource({
      id: `id-${this.rows.length + 1}`,
      url: req.url,
      title: req.title,
      intervalSeconds: req.intervalSeconds,
      effectiveIntervalSeconds: req.intervalSeconds,
      category: req.category,
    });
    this.rows.push(source);
    return { source, created: true };
  });

  readonly listSources = jest.fn(async () => ({ sources: [...this.rows] }));
}

function setup(allowHosts: string[] = []) {
  const config = defaultConfig();
  config.crawler.allowHosts = allowHosts;
  const table = new FakeSourceTable();
  const sut = new OpmlService(config, table as unknown as StorageClient);
  return { sut, table };
}

const OPML = `<?xml version="1.0"?>
<opml version="2.0"><head><title>Mine</title></head><body>
  <outline text="Tech">
    <outline text="AI"><outline type="rss" text="Lab" xmlUrl="https://lab.example/feed"/></outline>
    <outline type="rss" text="Ars" xmlUrl="https://ars.example/rss"/>
  </outline>
  <outline text="News">
    <outline type="rss" text="Ars again" xmlUrl="https://ARS.example/rss#top"/>
    <outline type="rss" text="Local" xmlUrl="http://127.0.0.1:8080/feed"/>
    <outline type="rss" text="Meta" xmlUrl="http://169.254.169.254/latest"/>
    <outline type="rss" text="FTP" xmlUrl="ftp://files.example/feed"/>
    <outline type="rss" text="Creds" xmlUrl="https://u:p@creds.example/feed"/>
  </outline>
  <outline type="rss" text="World" xmlUrl="https://world.example/atom"/>
</body></opml>`;

describe(OpmlService.name, () => {
  describe('import', () => {
    it('registers every acceptable feed with its folder path, skipping duplicates, reporting the rest', async () => {
      const { sut, table } = setup();

      const result = await sut.import(OPML);

      expect(result.imported).toBe(3);
      expect(result.skipped).toBe(1);
      expect(result.errors).toEqual([
        { url: 'http://127.0.0.1:8080/feed', message: 'refusing to follow 127.0.0.1:8080: loopback address' },
        { url: 'http://169.254.169.254/latest', message: 'refusing to follow 169.254.169.254: link-local address' },
        { url: 'ftp://files.example/feed', message: expect.stringContaining('unsupported URL scheme "ftp"') },
        { url: 'https://u:p@creds.example/feed', message: 'url must not contain credentials' },
      ]);
      expect(table.rows.map((r) => [r.url, r.title, r.category])).toEqual([
        ['https://lab.example/feed', 'Lab', 'Tech / AI'],
        ['https://ars.example/rss', 'Ars', 'Tech'],
        ['https://world.example/atom', 'World', ''],
      ]);
      expect(table.createSource).toHaveBeenCalledWith(expect.objectContaining({ ifMissing: true, origin: 'api', intervalSeconds: 900 }));
    });

    it('skips feeds that are already registered, so importing twice adds nothing', async () => {
      const { sut, table } = setup();
      await sut.import(OPML);

      const again = await sut.import(OPML);

      expect(again).toMatchObject({ imported: 0, skipped: 4 });
      expect(table.rows).toHaveLength(3);
    });

    it('accepts hosts the operator allowed', async () => {
      const { sut, table } = setup(['127.0.0.1']);

      const result = await sut.import(OPML);

      expect(result.imported).toBe(4);
      expect(table.rows.map((r) => r.url)).toContain('http://127.0.0.1:8080/feed');
    });

    it('reports a feed storage rejects without failing the others', async () => {
      const { sut } = setup();
      const deep = `<opml version="2.0"><body><outline text="${'x'.repeat(310)}"><outline text="a" xmlUrl="https://a.example/"/></outline><outline text="b" xmlUrl="https://b.example/"/></body></opml>`;

      const result = await sut.import(deep);

      expect(result).toEqual({
        imported: 1,
        skipped: 0,
        errors: [{ url: 'https://a.example/', message: 'category is longer than 300 characters' }],
      });
    });

    it('fails the whole import when storage is unavailable', async () => {
      const { sut, table } = setup();
      table.failWith = DomainError.unavailable('storage is unavailable');

      await expect(sut.import(OPML)).rejects.toMatchObject({ code: ErrorCode.Unavailable });
    });

    it('refuses a document that is not OPML before touching storage', async () => {
      const { sut, table } = setup();

      await expect(sut.import('<rss version="2.0"/>')).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
      expect(table.createSource).not.toHaveBeenCalled();
    });
  });

  describe('export', () => {
    it('round-trips: every imported feed comes back with its category', async () => {
      const { sut } = setup();
      await sut.import(OPML);

      const exported = await sut.export();
      const other = setup();
      const reimported = await other.sut.import(exported);

      expect(exported).toContain('<opml version="2.0">');
      expect(reimported).toEqual({ imported: 3, skipped: 0, errors: [] });
      expect(other.table.rows.map((r) => [r.url, r.category])).toEqual([
        ['https://lab.example/feed', 'Tech / AI'],
        ['https://ars.example/rss', 'Tech'],
        ['https://world.example/atom', ''],
      ]);
    });

    it('exports an empty, valid document when there are no sources', async () => {
      const { sut } = setup();

      expect(await sut.export()).toContain('<body/>');
    });
  });
});
