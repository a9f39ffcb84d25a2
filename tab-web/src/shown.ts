// The moment a page first shows its data, once per page load: a performance mark `crm:<name>`
// and `data-shown` on the body. `npm run bench -- app` reads both.
import { useEffect } from 'react';

export function useShownMark(name: string, shown: boolean): void {
  useEffect(() => {
    if (!shown || performance.getEntriesByName(`crm:${name}`).length > 0) return;
    performance.mark(`crm:${name}`);
    document.body.dataset.shown = name;
  }, [name, shown]);
}
