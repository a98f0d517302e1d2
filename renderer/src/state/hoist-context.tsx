// Hands the bridge, the store and the actions to components. One provider per
// window (and per test), so nothing is a module-level singleton.
import { createContext, useContext, useLayoutEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import type { HoistBridge } from '../../../shared/ipc-contract.ts';
import { createHoistActions } from './hoist-actions.ts';
import type { HoistActions } from './hoist-actions.ts';
import { createHoistStore } from './hoist-store.ts';
import type { HoistState, HoistStore } from './hoist-store.ts';
import { startSync } from './sync.ts';
import { startWebNotifications } from './web-notifications.ts';

interface HoistContextValue {
  bridge: HoistBridge;
  store: HoistStore;
  actions: HoistActions;
}

const HoistContext = createContext<HoistContextValue | null>(null);

export function HoistProvider({ bridge, store, children }: { bridge: HoistBridge; store?: HoistStore; children: ReactNode }) {
  const [value] = useState<HoistContextValue>(() => {
    const s = store ?? createHoistStore();
    return { bridge, store: s, actions: createHoistActions(bridge, s) };
  });
  // A layout effect, not a plain one: it runs before the browser lays out and
  // paints the first frame rather than after, so the first requests are on
  // their way while it does. A bridge that answers within the same task (the
  // tests', the benchmark's) even has the queue in that first frame instead of
  // "Loading…".
  useLayoutEffect(() => startSync(value.bridge, value.store, value.actions), [value]);
  useLayoutEffect(() => startWebNotifications(value.bridge, value.store), [value]);
  return <HoistContext.Provider value={value}>{children}</HoistContext.Provider>;
}

function useHoistContext(): HoistContextValue {
  const value = useContext(HoistContext);
  if (!value) throw new Error('Hoist components must be rendered inside <HoistProvider>');
  return value;
}

/** Subscribes to a slice of the store. Select primitives or stable references (zustand 5 compares with Object.is). */
export function useHoist<T>(selector: (state: HoistState) => T): T {
  return useStore(useHoistContext().store, selector);
}

export function useActions(): HoistActions {
  return useHoistContext().actions;
}
