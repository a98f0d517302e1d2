/**
 * An accessible progress bar; the fill is a CSS transform, cheap to update ten
 * times a second. The value is what is safe (for an upload: bytes the server
 * confirmed); `inFlightPercent` draws the part on its way as a lighter bar
 * after it, outside the value, so losing it (a kill) never moves the bar back.
 */
export function ProgressBar({ percent, label, tone, inFlightPercent = 0 }: { percent: number; label: string; tone: string; inFlightPercent?: number }) {
  const flying = Math.max(0, Math.min(inFlightPercent, 100 - percent));
  return (
    <div
      className={`progress progress--${tone}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
    >
      {flying > 0 && (
        <div
          className="progress__in-flight"
          data-testid="progress-in-flight"
          style={{ transform: `translateX(${percent}%) scaleX(${flying / 100})` }}
        />
      )}
      <div className="progress__fill" style={{ transform: `scaleX(${percent / 100})` }} />
    </div>
  );
}
