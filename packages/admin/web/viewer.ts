// The live world viewer, served by the admin listener: asks for an admin token, then draws the world's map with
// its regions and every entity, read from the admin API (entities about six times a second, regions once a
// second). Click a region or a player for its panel; drag to pan, wheel or +/- to zoom.
import { fetchMap } from '../../client/web/world-map.js';
import { AdminApi, ApiRefusal, type EntitiesReply, type RegionsReply, type Whoami } from './api.js';
import { Camera } from './camera.js';
import { EntitiesLayer } from './entities-layer.js';
import { PlayerPanel } from './player-panel.js';
import { RegionPanel } from './region-panel.js';
import { RegionsLayer } from './regions-layer.js';
import { askForToken, forgetToken, startingToken } from './token.js';
import { type Selection, WorldCanvas } from './world-canvas.js';

/** Between two entity readings (ms): at least five a second. */
const ENTITIES_EVERY_MS = 170;
const REGIONS_EVERY_MS = 1_000;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function setStatus(text: string, kind = ''): void {
  const line = $('status');
  line.textContent = text;
  line.className = kind;
}

/** Asks for a token until one is accepted; returns the API and who the token is. */
async function signIn(): Promise<{ api: AdminApi; me: Whoami }> {
  let token = startingToken();
  let error = '';
  for (;;) {
    token ??= await askForToken(error);
    const api = new AdminApi(token);
    try {
      return { api, me: await api.get<Whoami>('/api/whoami') };
    } catch (e) {
      forgetToken();
      token = null;
      error = e instanceof ApiRefusal ? e.message : `the admin API did not answer: ${(e as Error).message}`;
    }
  }
}

/** Calls `read` again `everyMs` after each reading ends; a refusal or failure is shown and retried. */
function poll(read: () => Promise<void>, everyMs: number): void {
  const again = async () => {
    const started = performance.now();
    try {
      await read();
    } catch (error) {
      if (error instanceof ApiRefusal && error.status === 401) {
        forgetToken();
        location.reload();
        return;
      }
      setStatus((error as Error).message, 'error');
    }
    setTimeout(again, Math.max(0, everyMs - (performance.now() - started)));
  };
  void again();
}

async function main(): Promise<void> {
  const { api, me } = await signIn();
  $('whoami').textContent = `${me.name} (${me.role})`;
  $('sign-out').onclick = () => {
    forgetToken();
    location.reload();
  };
  $('viewer').hidden = false;
  const map = await fetchMap();
  const canvas = $<HTMLCanvasElement>('world');
  const camera = new Camera(canvas);
  const regions = new RegionsLayer();
  const entities = new EntitiesLayer();
  const regionPanel = new RegionPanel($('region-panel'));
  const playerPanel = new PlayerPanel($('player-panel'), api, me);
  const selection: Selection = {
    get region() {
      return regionPanel.region;
    },
    get player() {
      return playerPanel.player;
    },
  };
  const view = new WorldCanvas(canvas, { map, camera, regions, entities, selection });
  view.resize();
  camera.fit(map.cols * map.tileSize, map.rows * map.tileSize);
  $('zoom-in').onclick = () => camera.zoom(1.25);
  $('zoom-out').onclick = () => camera.zoom(0.8);
  $('zoom-fit').onclick = () => camera.fit(map.cols * map.tileSize, map.rows * map.tileSize);
  camera.control((px, py) => {
    const player = entities.playerNear(px, py, camera);
    if (player) {
      void playerPanel.open(player.id);
      return;
    }
    const at = camera.toWorld(px, py);
    const region = regions.regionAt(at.x, at.y);
    if (region) regionPanel.show(region);
    else regionPanel.close();
  });

  let lastEntities: EntitiesReply | null = null;
  let polls = 0;
  const readRegions = async () => {
    const reply = await api.get<RegionsReply>('/api/regions');
    regions.update(reply, performance.now());
    regionPanel.refresh(regions.regions());
  };
  poll(readRegions, REGIONS_EVERY_MS);
  poll(async () => {
    const reply = await api.get<EntitiesReply>('/api/entities');
    entities.update(reply, performance.now());
    lastEntities = reply;
    view.polledAt = reply.at;
    polls++;
    const silent = reply.silent.length ? ` · silent: ${reply.silent.join(', ')}` : '';
    setStatus(`map v${reply.version} · ${reply.entities.length} entities${silent}`);
    // A new map version: read the regions now rather than at the next turn, so that the change animates at once.
    if (reply.version > regions.version && regions.version >= 0) await readRegions();
  }, ENTITIES_EVERY_MS);
  view.run();

  // For tests and the console: what the viewer knows and drew.
  Object.assign(window, {
    __viewer: {
      me,
      camera,
      get polls() {
        return polls;
      },
      get entities() {
        return lastEntities?.entities ?? [];
      },
      get drawn() {
        return entities.drawn;
      },
      get handoffsSeen() {
        return entities.handoffsSeen;
      },
      get regions() {
        return regions.regions();
      },
      get drawnRegions() {
        return regions.drawn;
      },
      /** Where a world point is on the page (CSS pixels), to click it. */
      pageOf(x: number, y: number) {
        const s = camera.toScreen(x, y);
        const box = canvas.getBoundingClientRect();
        return { x: box.left + s.x, y: box.top + s.y };
      },
      kick: (reason: string) => playerPanel.kick(reason),
    },
  });
}

main().catch((error: Error) => setStatus(`the viewer failed: ${error.message}`, 'error'));
