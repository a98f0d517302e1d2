// This benchmark's own RGW directory and port, set in the environment before
// bench/folders/server.mjs (and bench/s3/rgw.mjs through it) read theirs at
// load time: `npm run bench:folders` (its default /tmp/hoist-bench-folders-rgw,
// port 7680 up) and this one can then run side by side without sharing a server.
// Their own variables still win, so either can be pointed elsewhere by hand.
export const RESUME_RGW_DIR = process.env.HOIST_BENCH_FOLDERS_RESUME_RGW_DIR ?? '/tmp/hoist-bench-folders-resume-rgw';
export const RESUME_RGW_PORT = Number(process.env.HOIST_BENCH_FOLDERS_RESUME_RGW_PORT ?? 7880);

process.env.HOIST_BENCH_FOLDERS_RGW_DIR = RESUME_RGW_DIR;
process.env.HOIST_BENCH_FOLDERS_RGW_PORT = String(RESUME_RGW_PORT);
