// A finished upload's addresses, to paste elsewhere: its s3:// path and its
// https:// URL. The button says whether the copy worked; where the clipboard
// API is missing (a page over plain http from another host), the older
// selection copy is tried.
import { useState } from 'react';
import type { UploadView } from '../../../shared/ipc-contract.ts';
import { objectUrl, s3Url } from '../lib/format.ts';

export function CopyButtons({ upload, pathStyle }: { upload: UploadView; pathStyle: boolean }) {
  return (
    <>
      <CopyButton text={objectUrl(upload, pathStyle)} label="Copy URL" testId="row-copy-url" />
      <CopyButton text={s3Url(upload)} label="Copy s3:// path" testId="row-copy-s3" />
    </>
  );
}

function CopyButton({ text, label, testId }: { text: string; label: string; testId: string }) {
  const [result, setResult] = useState<'copied' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setResult('copied');
    } catch {
      setResult(copyBySelection(text) ? 'copied' : 'failed');
    }
    setTimeout(() => setResult(null), 2000);
  };
  return (
    <button type="button" className="button button--quiet" data-testid={testId} data-copy={text} title={text} onClick={() => void copy()}>
      {result === 'copied' ? 'Copied' : result === 'failed' ? 'Copy failed' : label}
    </button>
  );
}

function copyBySelection(text: string): boolean {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}
