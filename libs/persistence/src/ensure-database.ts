import { Client } from 'pg';

/** The database named in `databaseUrl`, and a client URL for the server's maintenance database. */
function maintenanceTarget(databaseUrl: string): { name: string; maintenanceUrl: string } {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unexpected database name "${name}"`);
  url.pathname = '/postgres';
  return { name, maintenanceUrl: url.toString() };
}

/** Creates the database named in `databaseUrl` if it does not exist (a fresh machine has none). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const { name, maintenanceUrl } = maintenanceTarget(databaseUrl);
  const client = new Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

/** Drops the database named in `databaseUrl` (connections to it are closed first). */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const { name, maintenanceUrl } = maintenanceTarget(databaseUrl);
  const client = new Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
