import { RECORDS, type StateDb } from './state-db.js';
import type { IamApi, LambdaApi, LogsApi, Service, World } from './world.js';

/** What building a service gives: its wire handler, and for the services others call, their API. */
interface Built {
  iam: { service: Service; api: IamApi };
  lambda: { service: Service; api: LambdaApi; whenAsyncIdle(): Promise<void> };
  logs: { service: Service; api: LogsApi };
  s3: { service: Service };
  sts: { service: Service };
  dynamodb: { service: Service };
}

export type ServiceName = keyof Built;

type Factory<N extends ServiceName> = (world: World) => Built[N];

interface Engine<N extends ServiceName> {
  /** The services whose APIs this one calls synchronously (through the world), loaded before it. */
  needs: ServiceName[];
  /** Records that stand for work a previous run left unfinished: when any exist, the service is built at start and resumes it. */
  unfinished?: string;
  load(): Promise<Factory<N>>;
}

/**
 * Each service's code is imported on its first request, not at start: dynalite and its LevelDB, the
 * Lambda runtime and the XML parser cost memory a sandbox nobody calls should not pay (the `sandbox at
 * rest` figures of `npm run bench`). Dynamic imports are the point here; do not hoist them.
 */
const ENGINES: { [N in ServiceName]: Engine<N> } = {
  sts: {
    needs: [],
    load: async () => {
      const { createStsService } = await import('./services/sts.js');
      return () => ({ service: createStsService() });
    },
  },
  iam: { needs: [], load: async () => (await import('./services/iam.js')).createIamService },
  logs: { needs: ['iam'], load: async () => (await import('./services/logs.js')).createLogsService },
  lambda: { needs: ['iam', 'logs'], unfinished: RECORDS.lambdaInvocations, load: async () => (await import('./services/lambda.js')).createLambdaService },
  s3: {
    needs: ['lambda'],
    unfinished: RECORDS.s3Deliveries,
    load: async () => {
      const { createS3Service } = await import('./services/s3.js');
      return (world) => ({ service: createS3Service(world) });
    },
  },
  dynamodb: {
    needs: ['iam'],
    load: async () => {
      const { createDynamoDbService } = await import('./services/dynamodb.js');
      return (world) => ({ service: createDynamoDbService(world) });
    },
  },
};

/**
 * The sandbox's services, each loaded and built on first use. A service is built once its code and
 * the code of every service it calls are loaded, so the world's cross-service APIs stay synchronous.
 */
export class Engines {
  private readonly factories = new Map<ServiceName, Promise<unknown>>();
  private readonly loaded = new Map<ServiceName, unknown>();
  private readonly built = new Map<ServiceName, Built[ServiceName]>();
  private world: World | undefined;
  /** The services resuming unfinished work at start, until built and resumed. */
  private resuming: Promise<unknown>[] = [];

  /** The world is made after the engines (its APIs are theirs): wire it before the first request. */
  attach(world: World): void {
    this.world = world;
  }

  /** The service of that name, loaded and built on its first request; undefined for a name the sandbox does not serve. */
  get(name: string): Promise<Service> | undefined {
    if (!Object.hasOwn(ENGINES, name)) return undefined;
    return this.ready(name as ServiceName).then((built) => built.service);
  }

  /**
   * Builds, at start, each service with unfinished work saved (S3 event deliveries and asynchronous
   * Lambda invocations a killed sandbox did not complete) and has it resume; called once the sandbox serves, as that work may call it.
   */
  resumeUnfinished(state: StateDb): void {
    for (const [name, engine] of Object.entries(ENGINES) as [ServiceName, Engine<ServiceName>][]) {
      if (engine.unfinished === undefined || !state.holds(engine.unfinished)) continue;
      this.resuming.push(
        this.ready(name).then(
          (built) => built.service.resume?.(),
          (error: unknown) => console.error(`[sandbox] could not resume the unfinished work of ${name}:`, error),
        ),
      );
    }
  }

  /** Stops the services that were built (a service never called holds nothing). */
  async close(): Promise<void> {
    await Promise.all([...this.built.values()].map((built) => built.service.close?.()));
  }

  /** Saves the state of the services that were built. */
  flush(): void {
    for (const built of this.built.values()) built.service.flush?.();
  }

  /**
   * Resolves once no asynchronous Lambda invocation is running or waiting for a retry, counting those
   * resumed at start (at once if Lambda was never built).
   */
  async whenLambdaIdle(): Promise<void> {
    await Promise.all(this.resuming);
    const lambda = this.built.get('lambda') as Built['lambda'] | undefined;
    if (lambda) await lambda.whenAsyncIdle();
  }

  /** The built service, for the world's APIs: only ever asked for after `ready` loaded it (see `needs`). */
  api<N extends 'iam' | 'lambda' | 'logs'>(name: N): Built[N]['api'] {
    return this.build(name).api;
  }

  private async ready<N extends ServiceName>(name: N): Promise<Built[N]> {
    await this.load(name);
    return this.build(name);
  }

  private async load(name: ServiceName): Promise<void> {
    for (const need of ENGINES[name].needs) await this.load(need);
    let loading = this.factories.get(name);
    if (!loading) {
      loading = ENGINES[name].load().then((factory) => this.loaded.set(name, factory));
      this.factories.set(name, loading);
    }
    await loading;
  }

  private build<N extends ServiceName>(name: N): Built[N] {
    let built = this.built.get(name) as Built[N] | undefined;
    if (!built) {
      const factory = this.loaded.get(name) as Factory<N> | undefined;
      if (!factory || !this.world) throw new Error(`sandbox service ${name} was used before it was loaded`);
      built = factory(this.world);
      this.built.set(name, built);
    }
    return built;
  }
}
