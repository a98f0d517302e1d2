import type { ObjectStore, ObjectStoreFactory } from '../ports/object-store.ts';
import type { TargetConfig } from '../ports/records.ts';

/**
 * One object store (one SDK client, one connection pool) per target, made on
 * first use. The saved target's id is part of the key: two targets may differ
 * only in their credentials.
 */
export class ObjectStoreCache {
  private readonly stores = new Map<string, ObjectStore>();

  constructor(private readonly factory: ObjectStoreFactory) {}

  for(upload: TargetConfig & { targetId: string | null }): ObjectStore {
    const target = { endpoint: upload.endpoint, region: upload.region, pathStyle: upload.pathStyle, targetId: upload.targetId };
    const key = JSON.stringify([target.targetId, target.endpoint ?? null, target.region, target.pathStyle]);
    let objects = this.stores.get(key);
    if (!objects) {
      objects = this.factory(target);
      this.stores.set(key, objects);
    }
    return objects;
  }

  /** A target's settings or credentials changed: later requests get new clients (requests in flight finish on the old ones). */
  clear(): void {
    this.stores.clear();
  }
}
