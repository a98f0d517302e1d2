import type { Migration } from './migration.ts';

// What was at an upload's key when it started, so that an object another
// writer puts there while the upload runs (between sessions, after a crash)
// is noticed before Hoist's Complete would replace it. key_at_start: JSON of
// the object ({"etag","size"}) or "none"; NULL for uploads recorded before
// this step (they are not guarded). foreign_object: the object found there
// that Hoist did not write, kept with the conflict it raised until the user
// settles it (then it becomes key_at_start: the object the user agreed to replace).
const migration: Migration = {
  version: 7,
  name: 'key-guard',
  up(db) {
    db.exec(`
      ALTER TABLE uploads ADD COLUMN key_at_start TEXT NULL;
      ALTER TABLE uploads ADD COLUMN foreign_object TEXT NULL;
    `);
  },
};

export default migration;
