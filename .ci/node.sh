# Sourced by .ci/run: puts Node.js >= 22.12 (and npm >= 11) first on PATH.
#
# Hoist needs Node 22.12 or newer (Electron 45's Node; Node 20 is out of
# support and the AWS SDK requires 22 from January 2027). Where the machine's
# node is missing or older, a pinned Node is fetched from the npm registry
# (the node-linux-<arch> packages hold the official binaries and headers),
# since nodejs.org may not be reachable where the registry is. Nothing is
# compiled: better-sqlite3 13 ships its Node-API binaries in its npm package
# (package.json's allowScripts keeps npm from running node-gyp for it).
# Needs npm (any version; Debian's `npm` package will do) to fetch it.

HOIST_NODE_VERSION=22.23.5
HOIST_NPM_VERSION=11.19.1
HOIST_NODE_MIN=22.12

# True when `node` on PATH is at least $HOIST_NODE_MIN.
hoist_node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a, b] = process.versions.node.split(".").map(Number); const [x, y] = process.argv[1].split(".").map(Number); process.exit(a > x || (a === x && b >= y) ? 0 : 1)' "$HOIST_NODE_MIN" 2>/dev/null
}

hoist_use_node() {
  if hoist_node_ok; then
    echo "ci: using Node.js $(node --version) from $(command -v node)" >&2
  else
    local arch pkg home tmp
    case "$(uname -m)" in
      x86_64 | amd64) arch=x64 ;;
      aarch64 | arm64) arch=arm64 ;;
      *) echo "ci: no Node.js build for $(uname -m) in the npm registry; install Node.js >= $HOIST_NODE_MIN yourself" >&2; return 1 ;;
    esac
    pkg="node-linux-$arch@$HOIST_NODE_VERSION"
    command -v npm >/dev/null 2>&1 || { echo "ci: Node.js >= $HOIST_NODE_MIN is needed and npm to fetch it (apt-get install npm)" >&2; return 1; }
    # Root's CI machine: /opt; anyone else: their cache.
    if [[ -w /opt || $(id -u) == 0 ]]; then home=/opt/hoist-node/$HOIST_NODE_VERSION; else home=${XDG_CACHE_HOME:-$HOME/.cache}/hoist-node/$HOIST_NODE_VERSION; fi
    if [[ ! -x $home/bin/node ]]; then
      echo "ci: found $(node --version 2>/dev/null || echo 'no node'); fetching $pkg from the npm registry into $home" >&2
      tmp=$(mktemp -d)
      (cd "$tmp" && npm pack --silent "$pkg" >/dev/null) || { rm -rf "$tmp"; echo "ci: npm pack $pkg failed" >&2; return 1; }
      mkdir -p "$home.partial" && tar -xzf "$tmp"/node-linux-*.tgz -C "$home.partial" --strip-components=1 && rm -rf "$tmp" || return 1
      # Complete or absent: a half-extracted Node is never taken for a good one.
      rm -rf "$home" && mv "$home.partial" "$home"
    fi
    export PATH="$home/bin:$PATH"
    hash -r
    hoist_node_ok || { echo "ci: $home/bin/node is not Node.js >= $HOIST_NODE_MIN" >&2; return 1; }
    echo "ci: using Node.js $(node --version) from $home" >&2
  fi

  # An older npm does not honour package.json's allowScripts: it would run
  # electron's download script and node-gyp for better-sqlite3 (which fetches
  # Node's headers from nodejs.org to build nothing). Put the npm this was
  # tested with beside this node.
  if ! node -e 'const [a, b] = process.argv[1].split(".").map(Number); const [x, y] = process.argv[2].split(".").map(Number); process.exit(a > x || (a === x && b >= y) ? 0 : 1)' "$(npm --version 2>/dev/null || echo 0.0.0)" "$HOIST_NPM_VERSION"; then
    local prefix
    prefix=$(dirname "$(dirname "$(command -v node)")")
    [[ -w $prefix ]] || prefix=${XDG_CACHE_HOME:-$HOME/.cache}/hoist-npm
    echo "ci: npm $(npm --version 2>/dev/null) is too old; installing npm@$HOIST_NPM_VERSION into $prefix" >&2
    npm install --global --prefix "$prefix" --no-audit --no-fund "npm@$HOIST_NPM_VERSION" >&2 || return 1
    export PATH="$prefix/bin:$PATH"
    hash -r
  fi

  echo "ci: npm $(npm --version)" >&2
}
