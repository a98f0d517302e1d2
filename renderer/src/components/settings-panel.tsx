// Settings, bound to settings.get / settings.set. Only the fields the user
// changed are sent, so a save here never overwrites a value changed elsewhere
// (another window, the tray) with the stale copy this form happened to show.
import { useState } from 'react';
import { SettingsPatchSchema } from '../../../shared/ipc-contract.ts';
import type { Settings } from '../../../shared/ipc-contract.ts';
import { fieldErrors, parseNumber } from '../lib/field-errors.ts';
import type { FieldErrors } from '../lib/field-errors.ts';
import { useActions, useHoist } from '../state/hoist-context.tsx';
import { BrowserNotificationsField } from './browser-notifications.tsx';
import { FormField } from './form-field.tsx';

type NumberKey = 'partSizeMiB' | 'concurrency' | 'bandwidthLimitKiBps' | 'expiryWarningHours';
type FlagKey = 'startAtLogin' | 'notifications';
type SettingsDraft = Record<NumberKey, string> & Record<FlagKey, boolean>;

const NUMBER_FIELDS: Array<{ key: NumberKey; label: string; testId: string; min: number; max: number; hint?: string }> = [
  { key: 'partSizeMiB', label: 'Part size (MiB)', testId: 'settings-part-size', min: 5, max: 5120, hint: 'For new uploads; grown automatically for very large files.' },
  { key: 'concurrency', label: 'Parts in flight', testId: 'settings-concurrency', min: 1, max: 64 },
  { key: 'bandwidthLimitKiBps', label: 'Bandwidth limit (KiB/s)', testId: 'settings-bandwidth', min: 0, max: 10_000_000, hint: '0 = unlimited' },
  { key: 'expiryWarningHours', label: 'Warn before expiry (hours)', testId: 'settings-expiry-warning-hours', min: 1, max: 720 },
];

function draftFrom(settings: Settings): SettingsDraft {
  return {
    partSizeMiB: String(settings.partSizeMiB),
    concurrency: String(settings.concurrency),
    bandwidthLimitKiBps: String(settings.bandwidthLimitKiBps),
    expiryWarningHours: String(settings.expiryWarningHours),
    startAtLogin: settings.startAtLogin,
    notifications: settings.notifications,
  };
}

/** The fields whose draft differs from what main has. */
function changedFields(draft: SettingsDraft, settings: Settings): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const { key } of NUMBER_FIELDS) {
    const value = parseNumber(draft[key]);
    if (value !== settings[key]) patch[key] = value;
  }
  if (draft.startAtLogin !== settings.startAtLogin) patch.startAtLogin = draft.startAtLogin;
  if (draft.notifications !== settings.notifications) patch.notifications = draft.notifications;
  return patch;
}

export function SettingsPanel() {
  const settings = useHoist((s) => s.settings);
  const headless = useHoist((s) => s.appInfo?.mode === 'headless');
  const actions = useActions();
  // null while untouched: the form then shows main's values as they change.
  const [draft, setDraft] = useState<SettingsDraft | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [status, setStatus] = useState('');
  const [saving, setSaving] = useState(false);

  if (!settings) {
    return (
      <section className="panel" data-testid="settings-panel" aria-labelledby="settings-title">
        <h2 className="panel__title" id="settings-title">
          Settings
        </h2>
        <p className="panel__empty">Loading…</p>
      </section>
    );
  }

  const shown = draft ?? draftFrom(settings);
  const update = (patch: Partial<SettingsDraft>) => {
    setDraft({ ...shown, ...patch });
    setStatus('');
  };

  async function save(current: Settings) {
    const patch = changedFields(shown, current);
    if (Object.keys(patch).length === 0) {
      setDraft(null);
      setStatus('Nothing changed.');
      return;
    }
    const parsed = SettingsPatchSchema.safeParse(patch);
    if (!parsed.success) {
      const messages = Object.fromEntries(NUMBER_FIELDS.map((f) => [f.key, `A whole number from ${f.min} to ${f.max}.`]));
      setErrors(fieldErrors(parsed.error, { messages }));
      return;
    }
    setErrors({});
    setSaving(true);
    const saved = await actions.saveSettings(parsed.data);
    setSaving(false);
    if (saved) {
      setDraft(null);
      setStatus('Saved.');
    }
  }

  return (
    <section className="panel" data-testid="settings-panel" aria-labelledby="settings-title">
      <h2 className="panel__title" id="settings-title">
        Settings
      </h2>
      <form
        className="settings-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save(settings);
        }}
      >
        <div className="settings-grid">
          {NUMBER_FIELDS.map((field) => (
            <FormField key={field.key} label={field.label} error={errors[field.key]} hint={field.hint}>
              <input
                type="number"
                inputMode="numeric"
                min={field.min}
                max={field.max}
                step={1}
                data-testid={field.testId}
                value={shown[field.key]}
                onChange={(e) => update({ [field.key]: e.target.value })}
              />
            </FormField>
          ))}
        </div>
        <label className={headless ? 'check check--disabled' : 'check'}>
          <input
            type="checkbox"
            data-testid="settings-start-at-login"
            // A headless server is started by whoever runs it (systemd, a shell), not by a login item.
            disabled={headless}
            checked={shown.startAtLogin}
            onChange={(e) => update({ startAtLogin: e.target.checked })}
          />
          Start Hoist at login{headless && ' (desktop app only)'}
        </label>
        <label className="check">
          <input type="checkbox" data-testid="settings-notifications" checked={shown.notifications} onChange={(e) => update({ notifications: e.target.checked })} />
          Notifications when uploads finish or fail
        </label>
        {headless && <BrowserNotificationsField enabled={shown.notifications} />}
        <div className="form-actions">
          <button type="submit" className="button button--primary" data-testid="settings-save" disabled={saving}>
            Save settings
          </button>
          {draft && (
            <button
              type="button"
              className="button"
              onClick={() => {
                setDraft(null);
                setErrors({});
              }}
            >
              Discard changes
            </button>
          )}
          {status && (
            <span className="form-status" role="status" data-testid="settings-status">
              {status}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}
