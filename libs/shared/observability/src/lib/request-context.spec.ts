import { acceptRequestId, currentRequestId, runWithRequestId } from './request-context';

describe(acceptRequestId.name, () => {
  it('keeps a short plain id', () => {
    expect(acceptRequestId('abc-123_x.y:z')).toBe('abc-123_x.y:z');
    expect(acceptRequestId(['first', 'second'])).toBe('first');
  });

  it.each([['absent', undefined], ['empty', ''], ['too long', 'a'.repeat(129)], ['with spaces', 'a b'], ['with a newline', 'a\nb'], ['not a string', 42]])(
    'makes a new id when the presented one is %s',
    (_case, presented) => {
      expect(acceptRequestId(presented)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    },
  );
});

describe(runWithRequestId.name, () => {
  it('carries the id across asynchronous steps, and only inside', async () => {
    const seen = await runWithRequestId('outer', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const inner = await runWithRequestId('inner', async () => currentRequestId());
      return [currentRequestId(), inner];
    });

    expect(seen).toEqual(['outer', 'inner']);
    expect(currentRequestId()).toBeUndefined();
  });
});
