import { config, type Config } from './config.ts';
import { createDb, type Db } from './db/client.ts';
import type { SecretStore } from './secrets/port.ts';
import { createSecretStore } from './secrets/index.ts';

/**
 * The composition root. Everything is built on first use and kept for the life of the container
 * (a Lambda cold start pays only for what its function touches). Service functions take `Deps`
 * as an argument, so tests can hand them other parts.
 */
export interface Deps {
  readonly config: Config;
  readonly db: Db;
  readonly secrets: SecretStore;
  /** milliseconds since the epoch; injectable so tests can move time */
  now(): number;
}

class LazyDeps implements Deps {
  #db?: Db;
  #secrets?: SecretStore;
  get config(): Config {
    return config();
  }
  get db(): Db {
    this.#db ??= createDb({ tableName: this.config.core.tableName!, region: this.config.core.region, endpoint: this.config.core.dynamoEndpoint });
    return this.#db;
  }
  get secrets(): SecretStore {
    this.#secrets ??= createSecretStore(this.config.secrets, this.config.core);
    return this.#secrets;
  }
  now(): number {
    return Date.now();
  }
}

let current: Deps | undefined;

export function deps(): Deps {
  current ??= new LazyDeps();
  return current;
}

/** Drop everything built so far (tests and the local runtime after changing settings). */
export function resetDeps(next?: Deps): void {
  current = next;
}
