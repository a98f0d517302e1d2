// A plain http:// endpoint off this machine sends the access keys' signatures,
// the data and the object names across the network unencrypted. Main refuses
// such a target unless the user ticked this box, seeing why (the contract's
// targets.save check); an endpoint on this machine needs nothing.
import { useId } from 'react';
import { insecureEndpoint } from '../../../shared/ipc-contract.ts';

const offMachineHttp = (endpoint: string): boolean => insecureEndpoint({ endpoint, allowInsecureHttp: false });

export function InsecureHttpField({ endpoint, allowed, error, onChange }: { endpoint: string; allowed: boolean; error: string | undefined; onChange: (allowed: boolean) => void }) {
  const errorId = useId();
  if (!offMachineHttp(endpoint)) return null;
  return (
    <div className={error ? 'field field--invalid' : 'field'}>
      <p className="field__warning" data-testid="insecure-http-warning">
        This endpoint uses plain http:// to another machine: your uploads, their names and your request signatures travel unencrypted and can be read or
        changed on the way. Use https:// if the server offers it.
      </p>
      <label className="check">
        <input
          type="checkbox"
          data-testid="target-allow-insecure-http"
          checked={allowed}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(e) => onChange(e.target.checked)}
        />
        Use plain http:// for this target anyway
      </label>
      {error && (
        <p className="field__error" id={errorId} data-testid="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
