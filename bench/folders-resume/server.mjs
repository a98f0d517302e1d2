// bench/folders/server.mjs, loaded after ./server-env.mjs has pointed it at
// this benchmark's directory and port. Import this module first (before
// anything that imports bench/folders/server.mjs or bench/s3/rgw.mjs): ES
// modules run in import order, and those read the environment once, on load.
import './server-env.mjs';

export { FOLDERS_RGW_DIR, FOLDERS_RGW_PORT, benchS3Client, emptyPrefix, loadServerModules, startFoldersRgw } from '../folders/server.mjs';
export { RESUME_RGW_DIR } from './server-env.mjs';
