// The admin token: taken from `#token=...` in the address (then dropped from it), or asked for in the page, and
// kept in this tab's sessionStorage only.

const KEY = 'mmo.admin.token';

/** The token the page was opened with, or the one this tab kept; null when it must be asked for. */
export function startingToken(): string | null {
  const fromHash = /(?:^#|&)token=([^&]+)/.exec(location.hash)?.[1];
  if (fromHash) {
    keepToken(decodeURIComponent(fromHash));
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(KEY);
}

export function keepToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}

/** Shows the token form (with `error`, if any) and resolves with what is typed into it. */
export function askForToken(error = ''): Promise<string> {
  const panel = document.getElementById('token-panel') as HTMLElement;
  const form = document.getElementById('token-form') as HTMLFormElement;
  const input = document.getElementById('token-input') as HTMLInputElement;
  (document.getElementById('token-error') as HTMLElement).textContent = error;
  panel.hidden = false;
  input.focus();
  return new Promise((resolve) => {
    form.onsubmit = (event) => {
      event.preventDefault();
      const token = input.value.trim();
      if (!token) return;
      input.value = '';
      panel.hidden = true;
      keepToken(token);
      resolve(token);
    };
  });
}
