// Lint is for what the compiler cannot see: promises that nobody awaits (an un-awaited ack() or respond()
// in a Bolt listener is a silent 3-second timeout) and promises handed to callbacks that ignore them.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'coverage/**', 'test-results/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      'no-console': 'error',
    },
  },
  { files: ['src/cli.ts', 'src/cli/**/*.ts', 'bench/**/*.ts', 'src/index.ts'], rules: { 'no-console': 'off' } },
);
