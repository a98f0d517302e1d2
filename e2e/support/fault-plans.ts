import type { ProxiedRequest, RequestFault } from './fault-proxy.ts';
import { S3_ERRORS } from './s3-wire.ts';

/** Decides each request's fate for FaultProxy.startHttp. */
export type FaultPlan = (request: ProxiedRequest) => RequestFault;

const FORWARD: RequestFault = { kind: 'forward' };

/** The first `count` requests that match get the fault; everything else is forwarded. */
export function firstMatching(count: number, match: (request: ProxiedRequest) => boolean, fault: RequestFault | ((request: ProxiedRequest) => RequestFault)): FaultPlan {
  let given = 0;
  return (request) => {
    if (given >= count || !match(request)) return FORWARD;
    given += 1;
    return typeof fault === 'function' ? fault(request) : fault;
  };
}

/** The requests that match get the fault at these positions among them (1: the first that matches). */
export function matchingAt(positions: readonly number[], match: (request: ProxiedRequest) => boolean, fault: RequestFault): FaultPlan {
  let seen = 0;
  return (request) => {
    if (!match(request)) return FORWARD;
    seen += 1;
    return positions.includes(seen) ? fault : FORWARD;
  };
}

/** Every k-th request through the proxy (the k-th, 2k-th, …), whatever it is. */
export function everyKth(k: number, fault: RequestFault): FaultPlan {
  return (request) => ((request.index + 1) % k === 0 ? fault : FORWARD);
}

/** Asks each plan in turn; the first fault other than 'forward' wins. Every plan sees every request (so counts stay right). */
export function combine(...plans: FaultPlan[]): FaultPlan {
  return (request) => {
    let chosen = FORWARD;
    for (const plan of plans) {
      const fault = plan(request);
      if (chosen.kind === 'forward') chosen = fault;
    }
    return chosen;
  };
}

/** A small seeded generator (mulberry32), so a failing random run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Each request fails with probability `rate`, as one of: a reset (mid-body
 * when it has one), a 500 InternalError, a 503 SlowDown, or the server's
 * answer dropped after it did the work.
 */
export function randomFaults(random: () => number, rate: number): FaultPlan {
  return (request) => {
    if (random() >= rate) return FORWARD;
    const pick = Math.floor(random() * 4);
    if (pick === 0) return { kind: 'reset', afterBodyBytes: Math.floor(random() * Math.max(request.bodyLength, 0)) };
    if (pick === 1) return { kind: 'answer', ...S3_ERRORS.internalError };
    if (pick === 2) return { kind: 'answer', ...S3_ERRORS.slowDown };
    return { kind: 'drop-response' };
  };
}
