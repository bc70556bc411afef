/** Jest runs every suite against a real Temporal dev server started once in globalSetup. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // the unit tier (no server) runs first, on its own: jest.unit.config.js
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/unit/'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  globalSetup: '<rootDir>/test/globalSetup.ts',
  globalTeardown: '<rootDir>/test/globalTeardown.ts',
  // a hang guard, not a speed limit: a test that starts worker processes on a busy machine takes minutes
  testTimeout: 300000,
  maxWorkers: 2,
};
