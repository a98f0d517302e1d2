import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { TargetCheck } from '../../../shared/ipc-contract.ts';
import { FakeBridge, makeTarget, ok } from '../test/fake-bridge.ts';
import { renderApp } from '../test/render-app.tsx';
import { checkErrors } from './target-form.tsx';

function bridgeAnswering(check: TargetCheck) {
  return new FakeBridge({
    targets: [],
    handlers: { 'targets.save': ({ target }) => ok({ ...makeTarget(), ...target, hasSecret: false, check }) },
  });
}

async function addTarget(bucket: string) {
  const panel = screen.getByTestId('targets-panel');
  fireEvent.change(within(panel).getByTestId('target-name'), { target: { value: 'Lab' } });
  fireEvent.change(within(panel).getByTestId('target-endpoint'), { target: { value: 'http://127.0.0.1:7482' } });
  fireEvent.change(within(panel).getByTestId('target-bucket'), { target: { value: bucket } });
  fireEvent.click(within(panel).getByTestId('target-save'));
  return panel;
}

describe('saving a target that its check finds wrong', () => {
  it('keeps it saved and open, the problem beside the field it points at', async () => {
    const message = 'bucket "nope" not found at http://127.0.0.1:7480 (ListObjectsV2: NoSuchBucket 404)';
    await renderApp(bridgeAnswering({ ok: false, field: 'bucket', message }));
    const panel = await addTarget('nope');
    await waitFor(() => expect(within(panel).getByTestId('target-bucket').getAttribute('aria-invalid')).toBe('true'));
    expect(within(panel).getAllByTestId('target-item')).toHaveLength(1);
    const bucketField = within(panel).getByTestId('target-bucket');
    expect(within(panel).getByTestId('field-error').textContent).toBe(`Saved, but trying it failed: ${message}`);
    // The form now edits the saved target (a second save does not add another).
    expect((bucketField as HTMLInputElement).value).toBe('nope');
    expect(within(panel).getByTestId('target-form-status').textContent).toContain('could not use it yet');
  });

  it('a check that passes says so and empties the form', async () => {
    await renderApp(bridgeAnswering({ ok: true, field: null, message: 'reached bucket "bucket-b" at 127.0.0.1:7480' }));
    const panel = await addTarget('bucket-b');
    await waitFor(() => expect(within(panel).getByTestId('target-form-status').textContent).toBe('Saved “Lab”: reached bucket "bucket-b" at 127.0.0.1:7480.'));
    expect(within(panel).queryByTestId('field-error')).toBeNull();
    expect((within(panel).getByTestId('target-bucket') as HTMLInputElement).value).toBe('');
  });

  it('points each kind of problem at its field', () => {
    const failed = (field: TargetCheck['field']): TargetCheck => ({ ok: false, field, message: 'x' });
    expect(Object.keys(checkErrors(failed('endpoint'), 'chain'))).toEqual(['endpoint']);
    expect(Object.keys(checkErrors(failed('region'), 'chain'))).toEqual(['region']);
    expect(Object.keys(checkErrors(failed('credentials'), 'chain'))).toEqual(['credentials.profile']);
    expect(Object.keys(checkErrors(failed('credentials'), 'keys'))).toEqual(['credentials.accessKeyId']);
    expect(Object.keys(checkErrors(failed(null), 'chain'))).toEqual(['form']);
    expect(checkErrors({ ok: true, field: null, message: 'fine' }, 'chain')).toEqual({});
  });
});
