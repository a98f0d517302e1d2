import { describe, expect, it } from 'vitest';
import { recordedOptionProblem } from './option-scope.ts';
import type { RecordedTarget } from './option-scope.ts';

const upload: RecordedTarget = { what: 'upload u1 of /data/a.bin', endpoint: 'http://127.0.0.1:7480', region: 'us-east-1', pathStyle: true, partSize: 8 * 2 ** 20 };
const folder: RecordedTarget = { ...upload, what: 'folder upload f1 of /data/photos', ifExists: 'skip-identical' };

describe('recordedOptionProblem', () => {
  it('accepts options that restate what every upload recorded (an alias passing the same flags everywhere)', () => {
    expect(recordedOptionProblem('resume', { endpoint: 'http://127.0.0.1:7480/', region: 'us-east-1', 'path-style': true, 'part-size': 8 * 2 ** 20 }, [upload, folder])).toBeUndefined();
    expect(recordedOptionProblem('resume', { 'if-exists': 'skip-identical' }, [upload, folder])).toBeUndefined();
  });

  it('refuses a different endpoint, naming the upload, what it recorded and what to do', () => {
    const problem = recordedOptionProblem('resume', { endpoint: 'http://moved:9000' }, [upload]);
    expect(problem).toBe(
      '--endpoint http://moved:9000 does nothing for `hoist resume`: upload u1 of /data/a.bin was started with http://127.0.0.1:7480. ' +
        'An upload continues against the endpoint, region and addressing it started with; to send it to another server, cancel it and upload it again there; or leave --endpoint out',
    );
  });

  it('refuses a value one of several uploads did not record', () => {
    const other = { ...upload, what: 'upload u2 of /data/b.bin', region: 'eu-west-1' };
    expect(recordedOptionProblem('status', { region: 'us-east-1' }, [upload, other])).toMatch(/^--region us-east-1 does nothing for `hoist status`: upload u2 of \/data\/b\.bin was started with eu-west-1\./);
    expect(recordedOptionProblem('cancel', { endpoint: 'http://127.0.0.1:7480' }, [{ ...upload, endpoint: undefined }])).toMatch(/was started with AWS \(no endpoint\)/);
  });

  it('refuses --path-style for an upload with virtual-hosted addressing, and another part size or if-exists', () => {
    expect(recordedOptionProblem('resume', { 'path-style': true }, [{ ...upload, pathStyle: false }])).toMatch(/^--path-style does nothing for `hoist resume`: .* was started with virtual-hosted addressing\./);
    expect(recordedOptionProblem('resume', { 'part-size': 16 * 2 ** 20 }, [upload])).toMatch(/keeps the part size it started with/);
    expect(recordedOptionProblem('resume', { 'if-exists': 'overwrite' }, [upload, folder])).toMatch(/^--if-exists overwrite does nothing .* folder upload f1 .* was started with skip-identical\. A folder keeps the --if-exists/);
  });

  it('refuses --if-exists where no upload acted on is a folder, and lets anything pass where there is nothing to act on', () => {
    expect(recordedOptionProblem('resume', { 'if-exists': 'fail' }, [upload])).toMatch(/none of the uploads it acts on is a folder/);
    expect(recordedOptionProblem('resume', { endpoint: 'http://x' }, [])).toBeUndefined();
  });
});
