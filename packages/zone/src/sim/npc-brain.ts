import { Rng } from '@mmo/core';
import type { NpcBrainData } from '@mmo/protocol';
import { isFree, type WorldMap } from '@mmo/world';

/** Wandering: walk to a random point near home, wait a little, pick another. Deterministic given its seed. */
export class NpcBrain {
  targetX: number;
  targetY: number;
  waitTicks: number;
  readonly rng: Rng;
  /** Health left; the spawner's full health when the NPC appears. */
  hp: number;

  constructor(
    readonly spawner: number,
    readonly homeX: number,
    readonly homeY: number,
    readonly radius: number,
    seed: number,
    hp = 1,
  ) {
    this.hp = hp;
    this.rng = new Rng(seed);
    this.targetX = homeX;
    this.targetY = homeY;
    this.waitTicks = this.rng.int(40);
  }

  static fromData(d: NpcBrainData, radius: number): NpcBrain {
    const brain = new NpcBrain(d.spawner, d.homeX, d.homeY, radius, 0, d.hp);
    brain.rng.state = d.rng;
    brain.targetX = d.targetX;
    brain.targetY = d.targetY;
    brain.waitTicks = d.waitTicks;
    return brain;
  }

  toData(): NpcBrainData {
    return {
      spawner: this.spawner,
      homeX: this.homeX,
      homeY: this.homeY,
      targetX: this.targetX,
      targetY: this.targetY,
      waitTicks: this.waitTicks,
      rng: this.rng.state,
      hp: this.hp,
    };
  }

  /**
   * Decides this tick's movement intent for an NPC at (x, y): a unit vector towards the target, or (0, 0) while it
   * waits. `stepLength` is how far it walks in one tick.
   */
  think(
    map: WorldMap,
    x: number,
    y: number,
    stepLength: number,
    entityRadius: number,
    out: { x: number; y: number },
  ): void {
    out.x = 0;
    out.y = 0;
    if (this.waitTicks > 0) {
      this.waitTicks--;
      if (this.waitTicks === 0) this.pickTarget(map, entityRadius);
      return;
    }
    const dx = this.targetX - x;
    const dy = this.targetY - y;
    const distance = Math.hypot(dx, dy);
    if (distance <= stepLength) {
      this.waitTicks = 20 + this.rng.int(80);
      return;
    }
    out.x = dx / distance;
    out.y = dy / distance;
  }

  /** Called when the NPC could not move this tick (a wall): give up on this target and rest. */
  blocked(): void {
    this.waitTicks = 10 + this.rng.int(30);
  }

  private pickTarget(map: WorldMap, entityRadius: number): void {
    for (let attempt = 0; attempt < 8; attempt++) {
      const angle = this.rng.next() * Math.PI * 2;
      const distance = Math.sqrt(this.rng.next()) * this.radius;
      const x = this.homeX + Math.cos(angle) * distance;
      const y = this.homeY + Math.sin(angle) * distance;
      if (isFree(map, x, y, entityRadius)) {
        this.targetX = x;
        this.targetY = y;
        return;
      }
    }
    this.targetX = this.homeX;
    this.targetY = this.homeY;
  }
}
