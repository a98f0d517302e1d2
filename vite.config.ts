import { defineConfig } from 'vite';
import type { Plugin } from 'vite';

// The renderer is a plain static bundle: Electron loads dist/renderer/index.html
// from disk and the headless server serves the same files, so every URL in the
// output must be relative (base './').
//
// No @vitejs/plugin-react: Vite 8 compiles TSX with oxc, which reads
// `"jsx": "react-jsx"` from renderer/tsconfig.json (automatic runtime). We lose
// only Fast Refresh, which a small app does not need.

/**
 * index.html carries the strict CSP the packaged app runs with. The dev server
 * injects CSS as <style> elements and talks HMR over a websocket, both of which
 * that CSP forbids, so while serving (never in a build) we widen exactly those
 * two directives. The built file keeps the policy byte for byte.
 */
function relaxCspForDevServer(): Plugin {
  return {
    name: 'hoist:relax-csp-for-dev-server',
    apply: 'serve',
    transformIndexHtml(html) {
      return html
        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        .replace("connect-src 'self'", "connect-src 'self' ws: wss:");
    },
  };
}

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [relaxCspForDevServer()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // Electron 45 ships a current Chromium; no need to down-level for old browsers.
    target: 'es2022',
  },
});
