// The lobby refreshes its thumbnails only while someone can see them.
export function visible() {
  return document.visibilityState === "visible";
}
