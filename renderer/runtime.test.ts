import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { isValidElement, options, type VNode } from 'preact';

// The bundle runs the renderer's React code on Preact (vite.config.ts); the renderer's tests must run on it too,
// or they would pass on a runtime that never ships.
describe('the runtime the renderer runs on', () => {
  it('is Preact, through react and react-dom, as in the bundle', () => {
    expect(isValidElement(createElement('p', null, 'text'))).toBe(true);
    const seen: string[] = [];
    const previous = options.vnode;
    options.vnode = (vnode: VNode) => {
      if (typeof vnode.type === 'string') seen.push(vnode.type);
      previous?.(vnode);
    };
    const container = document.createElement('div');
    const root = createRoot(container);
    try {
      root.render(createElement('output', null, 'rendered'));
    } finally {
      options.vnode = previous;
    }
    expect(seen).toContain('output');
    expect(container.textContent).toBe('rendered');
    root.unmount();
  });
});
