/**
 * Small DOM helpers shared by the study-map sidebar and the quiz panel.
 */

/** A new element with an optional class name and text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

/** A native button (keyboard reachable) with the kit's class, a click handler and an optional tooltip. */
export function button(label: string, className: string, onClick: () => void, title?: string): HTMLButtonElement {
  const b = el('button', `mlkit-button ${className}`, label);
  b.type = 'button';
  if (title) {
    b.title = title;
  }
  b.addEventListener('click', onClick);
  return b;
}
