// What a page Hoist does not answer shows: opened without the link Hoist
// printed (its #token=…), or with one from an earlier run. An empty queue and
// "No targets yet" there looked like lost data; this says what to do.
export function RefusedPage({ message }: { message: string }) {
  return (
    <main className="refused" role="alert" aria-labelledby="refused-title">
      <h1 id="refused-title">This page needs the link Hoist printed</h1>
      <p>
        Open the address Hoist printed when it started: it ends with <code>#token=…</code>. If Hoist was started again since, use the link it printed
        then. Your uploads are safe: they are kept by Hoist, not by this page.
      </p>
      <p className="refused__detail">Hoist said: {message}</p>
    </main>
  );
}
