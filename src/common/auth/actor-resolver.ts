import { Actor } from './actor';

/** Port filled by the identity module: turns credentials into an Actor, or null. */
export abstract class ActorResolver {
  abstract fromAccessToken(token: string): Promise<Actor | null>;
  abstract fromApiKey(key: string): Promise<Actor | null>;
}
