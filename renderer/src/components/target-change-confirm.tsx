// Main's question before an existing target's endpoint, region, addressing or
// credentials change (headless mode; the desktop app asks in a native dialog).
// The words are main's: the page shows them as they came and, if the user
// agrees, sends the same change again with main's one-time code.
interface TargetChangeConfirmProps {
  question: string;
  onConfirm: () => void;
  onCancel: () => void;
}

export function TargetChangeConfirm({ question, onConfirm, onCancel }: TargetChangeConfirmProps) {
  return (
    <div className="target-change-confirm" role="alertdialog" aria-label="Confirm the change" aria-describedby="target-change-question" data-testid="target-change-confirm">
      <p id="target-change-question" className="target-change-confirm__question" data-testid="target-change-question">
        {question}
      </p>
      <p className="field__hint">Uploads to this target will go to the new place, signed with these credentials.</p>
      <div className="form-actions">
        <button type="button" className="button button--primary" data-testid="target-change-yes" onClick={onConfirm}>
          Change it
        </button>
        <button type="button" className="button" data-testid="target-change-no" onClick={onCancel}>
          Keep as it was
        </button>
      </div>
    </div>
  );
}
