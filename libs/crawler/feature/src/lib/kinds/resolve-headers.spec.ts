import { resolveHeaders } from './source-options';
import { isSourceKindError } from './source-kind-error';

describe(resolveHeaders.name, () => {
  it('replaces env: references with the secrets loaded where the crawler runs and keeps literals', () => {
    expect(resolveHeaders({ Authorization: 'env:NEWS_API_TOKEN', Accept: 'application/json' }, { NEWS_API_TOKEN: 'Bearer s3cret' })).toEqual({
      Authorization: 'Bearer s3cret',
      Accept: 'application/json',
    });
  });

  it('fails with a message naming the header and the variable when the secret is missing', () => {
    let error: unknown;
    try {
      resolveHeaders({ 'X-Api-Key': 'env:MISSING_KEY' }, {});
    } catch (e) {
      error = e;
    }
    expect(isSourceKindError(error)).toBe(true);
    expect((error as Error).message).toBe('header X-Api-Key refers to the environment variable MISSING_KEY, which is not set where the crawler runs');
  });
});
