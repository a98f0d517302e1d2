// Must stay the first import: see the file.
import './lib/zod-without-eval.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { pickBridge } from './bridge/pick-bridge.ts';
import { HoistProvider } from './state/hoist-context.tsx';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <HoistProvider bridge={pickBridge()}>
      <App />
    </HoistProvider>
  </StrictMode>,
);
