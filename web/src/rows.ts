/** Updating a list in place on every poll: rows that did not change stay the very same nodes,
 * so focus, text selection and scroll stay where the reader left them. */

export interface Keyed { key: string; signature: string; render(): HTMLElement; }

const cache = new WeakMap<Element, Map<string, { signature: string; node: HTMLElement }>>();

export function reconcile(parent: Element, items: Keyed[]): void {
  const before = cache.get(parent) ?? new Map();
  const after = new Map<string, { signature: string; node: HTMLElement }>();
  const focus = focusPoint();
  const nodes = items.map((item) => {
    const old = before.get(item.key);
    const node = old && old.signature === item.signature ? old.node : item.render();
    node.dataset.key = item.key;
    after.set(item.key, { signature: item.signature, node });
    return node;
  });
  let cursor = parent.firstElementChild;
  for (const node of nodes) {
    if (node === cursor) {
      cursor = node.nextElementSibling;
    } else {
      parent.insertBefore(node, cursor);
    }
  }
  while (cursor) {
    const next = cursor.nextElementSibling;
    cursor.remove();
    cursor = next;
  }
  cache.set(parent, after);
  restoreFocus(focus);
}

interface FocusPoint { key: string; control: string; }

/** Which row's which control had focus (``data-key`` and ``data-focus``), if any. */
export function focusPoint(): FocusPoint | null {
  const active = document.activeElement as HTMLElement | null;
  const control = active?.closest<HTMLElement>("[data-focus]")?.dataset.focus;
  const key = active?.closest<HTMLElement>("[data-key]")?.dataset.key;
  return control && key ? { key, control } : null;
}

export function restoreFocus(point: FocusPoint | null): void {
  if (!point) return;
  const active = document.activeElement;
  if (active && active !== document.body && active.isConnected) return;
  const target = document.querySelector<HTMLElement>(
    `[data-key="${CSS.escape(point.key)}"] [data-focus="${CSS.escape(point.control)}"]`);
  target?.focus();
}
