'use strict';
/* exported pageSession -- called by the pages' own scripts (dashboard.html, auditor.html) */
/**
 * The pages' API key (README, Security), handled once for both pages: it comes from the URL
 * fragment (#key=…), never from the server; it is read once, kept in sessionStorage (this tab
 * only, gone when it closes) under the page's own name, and removed from the address bar, so it
 * is not left in history, bookmarks or a shared screen. Returns the key and the fragment's other
 * parameters.
 */
function pageSession(storageName) {
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.get('key')) {
    sessionStorage.setItem(storageName, params.get('key'));
    params.delete('key');
    history.replaceState(null, '', location.pathname + location.search + (params.toString() ? '#' + params.toString() : ''));
  }
  return { apiKey: sessionStorage.getItem(storageName) || '', params };
}
