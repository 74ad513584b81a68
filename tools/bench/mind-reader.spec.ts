import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MindFormatError, parseMindBehaviors, parseMindNews, parseMindTime, readMindDataset } from './mind-reader';

const SAMPLE = join(__dirname, 'data', 'mind-sample');

describe('MIND reader', () => {
  describe(parseMindTime.name, () => {
    it('reads the 12-hour clock as UTC', () => {
      expect(parseMindTime('11/15/2019 8:55:22 AM')?.toISOString()).toBe('2019-11-15T08:55:22.000Z');
      expect(parseMindTime('11/15/2019 12:00:01 AM')?.toISOString()).toBe('2019-11-15T00:00:01.000Z');
      expect(parseMindTime('11/15/2019 12:30:00 PM')?.toISOString()).toBe('2019-11-15T12:30:00.000Z');
      expect(parseMindTime('1/2/2020 11:59:59 PM')?.toISOString()).toBe('2020-01-02T23:59:59.000Z');
    });

    it('rejects malformed and impossible times', () => {
      for (const bad of ['2019-11-15 08:55:22', '11/15/2019 8:55:22', '13/15/2019 8:55:22 AM', '2/30/2019 8:00:00 AM', '11/15/2019 0:10:00 AM']) {
        expect(parseMindTime(bad)).toBeUndefined();
      }
    });
  });

  describe(readMindDataset.name, () => {
    it('reads the hand-made sample: news with entities, impressions with history and clicks', () => {
      const sut = readMindDataset(SAMPLE);
      expect(sut.news.size).toBe(8);
      expect(sut.news.get('N1')).toEqual({
        newsId: 'N1',
        category: 'sports',
        subcategory: 'soccer',
        title: 'City win the derby with a late header',
        abstract: 'A header in the last minute settled a tense local derby on Saturday.',
        url: 'https://example.com/n1',
        titleEntities: [{ label: 'Derby', type: 'O', wikidataId: 'Q1', confidence: 1 }],
        abstractEntities: [],
      });
      expect(sut.news.get('N4')?.abstractEntities).toEqual([]); // empty column
      expect(sut.impressions).toHaveLength(5);
      expect(sut.impressions[0]).toEqual({
        impressionId: '1',
        userId: 'U1',
        time: new Date('2019-11-11T09:05:58Z'),
        history: ['N1', 'N2'],
        shown: [
          { newsId: 'N5', clicked: true },
          { newsId: 'N3', clicked: false },
          { newsId: 'N6', clicked: false },
        ],
      });
      expect(sut.impressions[3]?.history).toEqual([]); // a user without history
      expect(sut.impressions[4]?.time.toISOString()).toBe('2019-11-13T00:00:01.000Z');
    });

    it('names a file that is missing', () => {
      const dir = mkdtempSync(join(tmpdir(), 'mind-'));
      try {
        writeFileSync(join(dir, 'news.tsv'), '');
        expect(() => readMindDataset(dir)).toThrow(MindFormatError);
        expect(() => readMindDataset(dir)).toThrow(/behaviors\.tsv:0: file not found/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('rejects behaviours that name news missing from news.tsv', () => {
      const dir = mkdtempSync(join(tmpdir(), 'mind-'));
      try {
        writeFileSync(join(dir, 'news.tsv'), 'N1\tsports\tsoccer\tT\tA\thttps://e.com\t[]\t[]\n');
        writeFileSync(join(dir, 'behaviors.tsv'), '7\tU1\t11/11/2019 9:05:58 AM\tN1\tN1-0 N9-1\n');
        expect(() => readMindDataset(dir)).toThrow(/impression 7 names news N9, which is not in news.tsv/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe(parseMindBehaviors.name, () => {
    it('reads unlabelled (test-split) impressions with clicked undefined, and CRLF line ends', () => {
      const sut = parseMindBehaviors('9\tU5\t11/15/2019 8:55:22 AM\t\tN1 N2\r\n');
      expect(sut[0]?.shown).toEqual([
        { newsId: 'N1', clicked: undefined },
        { newsId: 'N2', clicked: undefined },
      ]);
    });

    it.each([
      ['1\tU1\t11/11/2019 9:05:58 AM\tN1', /behaviors\.tsv:1: expected 5 tab-separated columns, found 4/],
      ['1\tU1\tyesterday\tN1\tN2-1', /bad time "yesterday"/],
      ['1\tU1\t11/11/2019 9:05:58 AM\tN1\tN2-2', /bad impression item "N2-2"/],
      ['1\tU1\t11/11/2019 9:05:58 AM\tN1 N-x\tN2-1', /bad news id "N-x" in the history/],
      ['1\t\t11/11/2019 9:05:58 AM\tN1\tN2-1', /empty user id/],
      ['1\tU1\t11/11/2019 9:05:58 AM\tN1\t ', /no impression items/],
    ])('rejects %j', (line, message) => {
      expect(() => parseMindBehaviors(line)).toThrow(message);
    });

    it('counts lines from 1, blank lines included', () => {
      expect(() => parseMindBehaviors('1\tU1\t11/11/2019 9:05:58 AM\tN1\tN2-1\n\nbroken')).toThrow(/behaviors\.tsv:3:/);
    });
  });

  describe(parseMindNews.name, () => {
    it.each([
      ['N1\tsports\tsoccer\tT', /news\.tsv:1: expected 6 to 8 tab-separated columns, found 4/],
      ['N1\ts\tss\tT\tA\tu\t{not json\t[]', /titleEntities is not JSON/],
      ['N1\ts\tss\tT\tA\tu\t{}\t[]', /titleEntities is not a JSON array/],
      ['N1\ts\tss\tT\tA\tu\t[]\t[{"Type":"P"}]', /abstractEntities has an entity without a Label/],
      ['N1\ts\tss\tT\tA\tu\nN1\ts\tss\tT\tA\tu', /news\.tsv:2: news id N1 repeats/],
      ['N 1\ts\tss\tT\tA\tu', /bad news id "N 1"/],
    ])('rejects %j', (text, message) => {
      expect(() => parseMindNews(text)).toThrow(message);
    });
  });
});
