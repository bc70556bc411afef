/** The unit tier: pure pieces of the saga, no Temporal server; runs in seconds (`npm run test:unit`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/unit'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 10000,
};
