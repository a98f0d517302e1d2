#!/usr/bin/env bash
# `npm run demo`: tries Hoist without any cloud account. Starts the local Ceph
# RGW S3 server (installing it with apt when run as root on Debian/Ubuntu),
# creates a bucket, and uploads a generated 200 MiB file with the CLI. Press
# Ctrl-C during the upload, then run the printed resume command to see it
# continue where it stopped.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

eval "$(bash scripts/s3-test-server.sh start)"
export AWS_ACCESS_KEY_ID="$HOIST_TEST_S3_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$HOIST_TEST_S3_SECRET_ACCESS_KEY"
export AWS_ENDPOINT_URL="$HOIST_TEST_S3_ENDPOINT" AWS_REGION="$HOIST_TEST_S3_REGION"
export HOIST_STATE_DIR="${HOIST_STATE_DIR:-$PWD/.cache/demo-state}"

curl -fsS -X PUT --aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' \
  "$AWS_ENDPOINT_URL/hoist-demo" -o /dev/null 2>/dev/null || true

file=.cache/demo-200MiB.bin
mkdir -p .cache
[[ -f $file ]] || head -c $((200 * 1024 * 1024)) /dev/urandom > "$file"

echo "demo: uploading $file to s3://hoist-demo/demo.bin at $AWS_ENDPOINT_URL (state in $HOIST_STATE_DIR)" >&2
status=0
node scripts/cli.mjs upload "$file" s3://hoist-demo/demo.bin --path-style || status=$?
node scripts/cli.mjs status
if [[ $status -ne 0 ]]; then
  echo "demo: continue with: HOIST_STATE_DIR=$HOIST_STATE_DIR AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY npm run cli -- resume" >&2
fi
echo "demo: the S3 server keeps running; stop it with: npm run s3:stop" >&2
exit $status
