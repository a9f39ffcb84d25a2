// try.html's entry: the stand-in must define `Office` before the pane's code runs, so the pane
// is imported only after it (static imports would be evaluated first).
import './office-standin.ts';

await import('../main.tsx');
