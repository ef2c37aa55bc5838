import type { Page } from '@playwright/test';

/**
 * Words in the elements matching `selector` that the layout broke across lines other than right after one of
 * `allowedAfter` (a soft hyphen for German compounds; nothing for host names and fingerprints, whose break
 * opportunities are <wbr> between text nodes). Each as "tag: word at offset".
 */
export async function badLineBreaks(page: Page, selector: string, allowedAfter: string): Promise<string[]> {
  return page.evaluate(
    ([selector, allowedAfter]) => {
      const bad: string[] = [];
      for (const element of document.querySelectorAll(selector)) {
        const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const text = node.textContent ?? '';
          for (const match of text.matchAll(/\S+/g)) {
            // The top of each character's box: where it changes inside a word, the line broke there.
            let top: number | undefined;
            for (let i = match.index; i < match.index + match[0].length; i += 1) {
              const range = document.createRange();
              range.setStart(node, i);
              range.setEnd(node, i + 1);
              // The last box: a range right after a break also reports one at the end of the line before.
              const rect = [...range.getClientRects()].filter((r) => r.width > 0).at(-1);
              if (!rect) continue;
              if (top !== undefined && Math.abs(rect.top - top) > 2 && !allowedAfter.includes(text[i - 1] ?? ''))
                bad.push(`${element.tagName.toLowerCase()}: ${match[0]} at ${i - match.index}`);
              top = rect.top;
            }
          }
        }
      }
      return bad;
    },
    [selector, allowedAfter] as const,
  );
}
