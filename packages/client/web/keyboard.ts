// WASD and arrow keys -> a movement direction. Calls onChange only when the direction changes.
const KEYS: Record<string, [number, number]> = {
  KeyW: [0, -1],
  ArrowUp: [0, -1],
  KeyS: [0, 1],
  ArrowDown: [0, 1],
  KeyA: [-1, 0],
  ArrowLeft: [-1, 0],
  KeyD: [1, 0],
  ArrowRight: [1, 0],
};

export function watchKeyboard(onChange: (x: number, y: number) => void, isTyping: () => boolean): void {
  const held = new Set<string>();
  let last = '0,0';
  const update = () => {
    let x = 0;
    let y = 0;
    for (const code of held) {
      const d = KEYS[code];
      if (d) {
        x += d[0];
        y += d[1];
      }
    }
    const length = Math.hypot(x, y) || 1;
    const key = `${x},${y}`;
    if (key === last) return;
    last = key;
    onChange(x / length, y / length);
  };
  window.addEventListener('keydown', (e) => {
    if (isTyping() || !KEYS[e.code]) return;
    e.preventDefault();
    held.add(e.code);
    update();
  });
  window.addEventListener('keyup', (e) => {
    held.delete(e.code);
    update();
  });
  window.addEventListener('blur', () => {
    held.clear();
    update();
  });
}
