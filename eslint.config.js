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
      // `import { z }` makes the bundler keep all of zod (every locale: 450 KB of the 2 MB bundle, held in memory
      // as source text for as long as the bot runs); the namespace import lets it drop what is not used.
      'no-restricted-syntax': [
        'error',
        { selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']", message: "Write `import * as z from 'zod'`: `{ z }` bundles every zod locale." },
      ],
    },
  },
  { files: ['src/cli.ts', 'src/cli/**/*.ts', 'bench/**/*.ts', 'src/index.ts'], rules: { 'no-console': 'off' } },
);
