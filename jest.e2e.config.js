// End-to-end specs: the embedded system on fixture feeds served from loopback.
module.exports = {
  ...require('./jest.preset'),
  testMatch: ['<rootDir>/apps/**/*.e2e-spec.ts'],
  testTimeout: 180_000,
};
