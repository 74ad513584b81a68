/**
 * The parameters of a Google Reader or Fever request: the query string and the form body
 * together, every value of a name in order (clients repeat names: i=…&i=…). Values that are not
 * plain strings (a JSON body's objects) are not parameters.
 */
export class ReaderParams {
  private constructor(private readonly sources: ReadonlyArray<Record<string, unknown>>) {}

  static of(request: { query?: unknown; body?: unknown }): ReaderParams {
    const records = [request.query, request.body].filter((value): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value));
    return new ReaderParams(records);
  }

  all(name: string): string[] {
    const values: string[] = [];
    for (const record of this.sources) {
      if (!Object.prototype.hasOwnProperty.call(record, name)) continue;
      const value = record[name];
      for (const item of Array.isArray(value) ? value : [value]) if (typeof item === 'string') values.push(item);
    }
    return values;
  }

  /** The first value of a name; '' when absent. */
  one(name: string): string {
    return this.all(name)[0] ?? '';
  }

  has(name: string): boolean {
    return this.sources.some((record) => Object.prototype.hasOwnProperty.call(record, name));
  }
}
