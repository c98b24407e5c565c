// Every configuration default, with its unit. A config file (mmo.config.json), environment variables and command
// line flags override these; config.ts validates the result against RULES.

export const DEFAULTS = {
  /** The world to run: worlds/<world>/ (its world.tmj or its one .world file). Also the namespace of every NATS subject. */
  world: 'default',
  /**
   * Every world of the cluster, comma-separated (alpha,beta), for the processes that serve them all: the store and
   * `mmo up`. Empty: the world above alone.
   */
  worlds: '',
  /** Folder that holds the worlds. */
  worldsDir: 'worlds',
  /** Folder for the SQLite file, logs and the nats-server started by `mmo up`. */
  dataDir: 'data',
  /** NATS server URL. Empty: `mmo up` starts its own nats-server; a single role then fails with a hint. */
  natsUrl: '',
  nats: {
    /**
     * Copies of every JetStream KV bucket the cluster creates (partition map, leases, history, ...): 1 on one
     * nats-server; 3 on a 3-node cluster, so that the loss of one node loses nothing. Applies when a bucket is made.
     */
    replicas: 1,
    /**
     * The NATS user this process connects as, with `password` (environment NATS_USER, NATS_PASSWORD). Empty: none,
     * or what `mmo up` gives each of its roles (a user of its own per role).
     */
    user: '',
    password: '',
    /**
     * A credentials file instead (environment NATS_CREDS): a NATS `.creds` file (user JWT and nkey seed), or
     * `{ "user": ..., "password": ... }` as JSON, the form `mmo up` writes to <dataDir>/nats/credentials/<role>.json.
     */
    credsFile: '',
  },
  log: {
    /** fatal, error, warn, info, debug, trace or silent. */
    level: 'info',
  },
  gateway: {
    /** Unique id of this gateway on the bus. Empty: derived from the host name and the process id. */
    id: '',
    host: '0.0.0.0',
    port: 8080,
    /** A client frame larger than this closes the connection. */
    maxPayloadBytes: 1024, // 1 KiB
    /** Bytes queued to one socket before the connection is closed as too slow. */
    maxBackpressureBytes: 512 * 1024, // 512 KiB
    /** A connection that sends nothing for this long is closed (clients ping). */
    idleTimeoutSec: 30,
    /** Sustained client messages per second per connection; beyond the burst the connection is closed. */
    messagesPerSec: 60,
    messageBurst: 120,
    /** A connection must log in within this time. */
    loginTimeoutMs: 15_000,
    /** Failed register/login/resume attempts allowed per connection. */
    maxAuthAttempts: 5,
    /** A zone counts as alive while its last heartbeat is younger than this. */
    zoneAliveMs: 3_000,
    /** A player that gets no frame for this long is told that the world is out of reach (the socket stays). */
    stallNoticeMs: 1_000,
    /**
     * A player still without frames after this long, once its zone is heard from again (a worker took over after
     * a crash, or the bus came back), is restored from its last checkpoint.
     */
    restoreAfterMs: 1_500,
    /** A login whose zone is not running (being taken over) waits this long for it before being told to retry. */
    enterWaitMs: 5_000,
    /**
     * Inputs (and everything else a gateway sends its zones) leave in one batch per zone tick, this long before the
     * tick is due on the world clock: the time a batch takes to reach the zones, and the clocks' disagreement
     * between hosts.
     */
    inputLeadMs: 4,
    /**
     * Let a registering client choose where its new character appears (a walkable point of the world). For load
     * tests, whose bots spread over an area from the start; keep it off for players.
     */
    clientSpawn: false,
    /**
     * Password hashes (logins, registrations) this gateway computes at once; the others wait their turn. Each takes
     * a core for about 50 ms at the default cost: more gateways, not more slots, is how logins scale.
     */
    hashSlots: 1,
    /**
     * Addresses of reverse proxies in front of this gateway, comma-separated. Only a connection from one of them has
     * its client address taken from X-Forwarded-For; every other client is known by its socket's address.
     */
    trustedProxies: '',
  },
  zone: {
    /** Simulation rate. */
    tickHz: 20,
    /** Players see entities within this distance. */
    interestRadius: 50, // m
    /** At most this many entities in one player's view: the nearest. */
    viewCap: 48,
    /** Within this distance of a player, entities that move are sent to it every tick. */
    nearRadius: 20, // m
    /** Further out, a moved entity is sent every this many ticks (1: every tick). */
    farEveryTicks: 2,
    /**
     * Which entities are in a player's view (the nearest within the interest radius) is worked out again every this
     * many ticks, staggered by player; between times the entities already in view keep coming (1: every tick).
     */
    viewRefreshTicks: 2,
    /**
     * Bytes a second each client may be sent (frames, chat, notices); in a crowd the nearest entities keep their
     * full rate and the others come less often. 0: no limit.
     */
    clientBytesPerSec: 8_192,
    /** Player walking speed. */
    maxSpeed: 6, // m/s
    /** NPC walking speed. */
    npcSpeed: 1.5, // m/s
    /** Collision radius of players and NPCs. */
    entityRadius: 0.4, // m
    /** Inbound messages waiting for the next tick; beyond this they are dropped and counted. */
    inputQueue: 20_000,
    /** Players pick up items, give them to other players and strike NPCs within this distance. */
    reach: 3, // m
    /** Health an NPC loses per strike. */
    strikeDamage: 3,
    /** A player strikes at most once per this long. */
    strikeCooldownMs: 500,
    /** How often a zone asks the store for the items lying in it (due spots' items appear then). */
    itemSyncMs: 1_000,
    /** Local chat reaches players within this distance. */
    chatRange: 40, // m
    chatMaxLength: 200, // characters
    /** Interval of the liveness heartbeat. */
    heartbeatMs: 1_000,
    /** Interval of the checkpoint of dirty players. */
    checkpointMs: 1_000,
    /** Interval of the checkpoint of NPCs (all of them: they move all the time). */
    npcCheckpointMs: 5_000,
    /** How often a zone asks gateways which of its players still have a session (others are saved and removed). */
    presenceCheckMs: 5_000,
    /** A ghost not refreshed by its owner for this long is dropped. */
    ghostTtlMs: 500,
    /** An entity must be this far inside a neighbour before it is handed off (stops ping-pong on a border). */
    handoffMargin: 2, // m
    /** How long a handoff offer waits for the target's reply before asking again. */
    handoffTimeoutMs: 500,
    /** Address and port of the zone's /metrics endpoint; port 0 picks a free one. */
    metricsHost: '127.0.0.1',
    metricsPort: 0,
  },
  worker: {
    /** How often a zone worker renews its lease (its sign of life to the director). */
    leaseRenewMs: 200,
    /**
     * A worker whose lease was not renewed for this long is taken for lost: the director gives its regions to other
     * workers, and the worker itself stops acting on them (it may have been paused, not killed).
     */
    leaseTtlMs: 1_000,
    /** Run for the director's role (one worker at a time holds it). */
    director: true,
  },
  director: {
    /** How often the director looks at worker leases and region load. */
    checkMs: 100,
    /** The map must stand this long before the director moves a region to even out the workers. */
    settleMs: 5_000,
    /** Split hot regions and merge cold ones by themselves. */
    rebalance: true,
    /** A region with more players than this is hot. */
    splitPlayers: 200,
    /** A region whose tick p99 is over this is hot (a 20 Hz tick has 50 ms). */
    splitTickP99Ms: 20, // ms
    /** A region hot for this long is split in two (along its longer side). */
    hotForMs: 10_000,
    /** Regions are not split below this side. */
    minRegionSide: 64, // m
    /** Two neighbouring regions with fewer players than this together are cold... */
    mergePlayers: 50,
    /** ...and merged back after this long (never beyond one region of the world map). */
    coldForMs: 60_000,
  },
  queue: {
    /**
     * Players the world holds at most, over all gateways; logins beyond it wait in the login queue for someone to
     * leave. 0: no limit (logins still queue when they come faster than they are served).
     */
    maxPlayers: 5_000,
    /** Players whose session ended by a fault (not by leaving) this recently go to the front of the queue. */
    returningWithinMin: 10,
    /** A waiting login hears its place this often. */
    updateMs: 1_000,
  },
  logins: {
    /**
     * Login attempts one address may make on one account before each further one must wait. Counted by the store
     * for the whole cluster; a successful login clears them. Another address (the owner's) is not slowed down.
     */
    freeAttempts: 3,
    /** The first wait after those; every further attempt doubles it... */
    backoffMs: 1_000,
    /** ...up to this. */
    backoffMaxMs: 300_000, // 5 min
    /** Login attempts one address may make over all accounts (that did not succeed) before its attempts wait too. */
    addressFreeAttempts: 20,
    /** Attempts are forgotten this long after the last one. */
    forgetAfterMin: 15,
    /** New accounts one address may create at once... */
    registrationBurst: 5,
    /** ...and then this many an hour. */
    registrationsPerHour: 10,
  },
  store: {
    /** SQLite file, relative to dataDir. */
    file: 'world.sqlite',
    /** Characters one account may have in one world (entering a world without one creates it). */
    charactersPerWorld: 1,
    /** A session token stays valid this long after login. */
    sessionTtlHours: 168, // 7 days
    /** scrypt cost parameter N for password hashes (a power of two); gateways compute them, the store keeps them. */
    scryptCost: 16_384,
    /** How long a request to the store may take before the caller retries or gives up. */
    requestTimeoutMs: 5_000,
    /** Address and port of the store's /metrics endpoint; port 0 picks a free one. */
    metricsHost: '127.0.0.1',
    metricsPort: 0,
  },
  admin: {
    /** Address and port of the admin API and the live world viewer (`mmo admin serve`); keep it private. */
    host: '127.0.0.1',
    port: 8090,
    /**
     * Who may call the admin API: comma-separated `name:role:sha256` entries, role viewer (reads) or operator (reads
     * and acts), and the SHA-256 (hex) of the token. `mmo admin token <name>` makes a token and its entry.
     */
    tokens: '',
    /** How often the viewer's entity positions are read from the regions (ms). */
    entitiesEveryMs: 150,
  },
};

export type Config = typeof DEFAULTS;
