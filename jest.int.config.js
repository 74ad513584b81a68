// Integration specs against the PostgreSQL and Redis servers of this machine, and PGlite.
module.exports = {
  ...require('./jest.preset'),
  testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'],
  testTimeout: 60_000,
};
