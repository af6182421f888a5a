/** Building DOM nodes. Text always goes in through textContent (or text nodes), never as
 * markup: customer names, reasons and messages come from people and must stay inert. */

type Child = Node | string | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

const SVG_NS = "http://www.w3.org/2000/svg";

export function svg(tag: string, attributes: Attributes = {}, ...children: Child[]): SVGElement {
  const element = document.createElementNS(SVG_NS, tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

function setAttributes(element: Element, attributes: Attributes): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

/** Replaces what ``parent`` holds. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A Fluent button; the explicit role lets every assistive tool (and axe) see what
 * fluent-button also declares through ElementInternals. */
export function button(label: string, attributes: Attributes = {}): HTMLElement {
  const element = h("fluent-button" as keyof HTMLElementTagNameMap,
    { role: "button", appearance: "secondary", size: "small", ...attributes }, label);
  return element;
}

let unique = 0;
export function uid(prefix: string): string {
  unique += 1;
  return `${prefix}-${unique}`;
}
