/** Types of test/postgres-setup.js (plain JS so jest's global setup loads it untransformed). */
export const TEMPLATE_DATABASE: string;
/** Starts the test Postgres (or uses TEST_DATABASE_URL) and sets TEST_POSTGRES_ADMIN_URL. */
export function startPostgres(): Promise<void>;
export function stopPostgres(): Promise<void>;
