import { handleFrom } from './users.service';

describe(handleFrom.name, () => {
  it.each([
    ['ann', 'ann'],
    ['Ann.Lee@example.org', 'ann.lee'],
    ['  Zoë Müller ', 'zoe-muller'],
    ['张三', 'user'],
    ['-_.x', 'x'],
    ['a..', 'a'],
    ['', 'user'],
    ['x'.repeat(80), 'x'.repeat(56)],
  ])('makes %p the handle %p', (hint, handle) => {
    expect(handleFrom(hint)).toBe(handle);
    expect(handleFrom(hint)).toMatch(/^[a-z0-9][a-z0-9._-]{0,55}$/);
  });
});
