// What an upload that is retrying waits for: "Retrying in 12 s: connection
// refused by 127.0.0.1:7482, attempt 3 of 10", counting down by itself, in
// place of a "Queued" or "Uploading" that would hide the failure.
import type { RetryingView } from '../../../shared/ipc-contract.ts';
import { useNow } from '../lib/use-now.ts';

export function retryText(retrying: RetryingView, nowMs: number): string {
  const seconds = Math.ceil((Date.parse(retrying.at) - nowMs) / 1000);
  const when = seconds > 0 ? `Retrying in ${seconds} s` : 'Retrying now';
  return `${when}: ${retrying.cause}, attempt ${retrying.attempt} of ${retrying.of}`;
}

export function RetryStatus({ retrying }: { retrying: RetryingView }) {
  const now = useNow(1000);
  const text = retryText(retrying, now);
  return (
    <span className="upload-row__message upload-row__message--conflict" title={text} role="status" data-testid="row-retrying">
      {text}
    </span>
  );
}
