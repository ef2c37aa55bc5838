import {
  isPluralElement,
  isSelectElement,
  isTagElement,
  type MessageFormatElement,
} from '@formatjs/icu-messageformat-parser';

/** Every element of a parsed ICU message, nested ones (a tag's children, a plural's or select's cases) after their parent. */
export function allElements(elements: readonly MessageFormatElement[]): MessageFormatElement[] {
  return elements.flatMap((element) => {
    const nested = isTagElement(element)
      ? element.children
      : isPluralElement(element) || isSelectElement(element)
        ? Object.values(element.options).flatMap((option) => option.value)
        : [];
    return [element, ...allElements(nested)];
  });
}
