import { useEffect, useState } from 'react';

/**
 * The current time, refreshed every `intervalMs`. Relative times ("expires in
 * 3 hours") and the expiry banner move on their own even when no event arrives.
 */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
