// jsdom has no DragEvent, which @lumino/dragdrop (under @lumino/widgets) subclasses at import time.
const g = globalThis as any;
if (typeof g.MouseEvent !== 'undefined' && typeof g.DragEvent === 'undefined') {
  g.DragEvent = class DragEvent extends g.MouseEvent {};
}
