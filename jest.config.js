// Unit specs: *.spec.ts next to the code.
module.exports = {
  ...require('./jest.preset'),
  testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts'],
};
