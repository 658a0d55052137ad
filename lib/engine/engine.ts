/**
 * The study runner of this server process: one per process, kept on
 * globalThis so that dev-server reloads reuse it instead of doubling it.
 */
import "server-only";
import { databaseFile, getDb, withPatientLocks } from "../../db/client";
import { acquireOwnership, releaseOwnership } from "../../db/owner";
import { getStudyIdsByStatus, markRunningTrialsInterrupted, pruneWaitingTrialsOfFinishedStudies } from "../../db/queries";
import { reapOrphanGroups, setGroupLedger } from "../objectives/process-group";
import { getAgentBoard } from "./agent-board";
import { StudyRun, type StudyLoader } from "./study-run";

/** How long one slice of a background load may hold the event loop. */
const LOAD_SLICE_MS = 10;

export class Engine {
  private readonly runs = new Map<number, StudyRun>();
  /** Running studies found at start whose history is still replaying (in start order). */
  private readonly loading = new Map<number, StudyLoader>();
  /** Bumped by reset(), so a background load of an earlier start stops. */
  private generation = 0;
  private started = false;

  private ownedFile: string | null = null;

  /**
   * Takes ownership of the database (or throws DatabaseInUseError: another
   * live process drives its studies), then recovers after a restart: trials
   * that were running when the owner died are marked interrupted, trials left
   * paused in finished studies end pruned, and every running study carries on.
   */
  start(): void {
    if (this.started) return;
    const file = databaseFile();
    acquireOwnership(file);
    let interrupted: unknown[];
    try {
      // Recovery writes run before anything is served: they may wait out another process's lock.
      interrupted = withPatientLocks(getDb(), 10_000, () => {
        // Programs a dead owner left running would race the trials that now run again: stop them first.
        const ledger = groupLedgerOf(file);
        const orphans = reapOrphanGroups(ledger);
        if (orphans.length > 0) console.log(`[hypersieve] killed ${orphans.length} training process group(s) a previous server left running: ${orphans.join(", ")}`);
        setGroupLedger(ledger);
        return markRunningTrialsInterrupted();
      });
    } catch (error) {
      releaseOwnership(file);
      throw error;
    }
    this.ownedFile = file;
    this.started = true;
    if (interrupted.length > 0) console.log(`[hypersieve] marked ${interrupted.length} trial(s) interrupted after a restart`);
    const pruned = withPatientLocks(getDb(), 10_000, () => {
      getAgentBoard().start();
      return pruneWaitingTrialsOfFinishedStudies();
    });
    if (pruned > 0) console.log(`[hypersieve] pruned ${pruned} trial(s) left paused in finished studies`);
    // Running studies load in the background, a slice at a time, so the server answers at once whatever their history.
    for (const id of getStudyIdsByStatus("running")) this.loading.set(id, StudyRun.loader(id));
    this.loadInBackground(this.generation);
  }

  /** Replays the running studies' histories in slices of about LOAD_SLICE_MS between which requests are served; each resumes once loaded. */
  private loadInBackground(generation: number): void {
    setImmediate(() => {
      if (generation !== this.generation) return;
      const next = this.loading.entries().next();
      if (next.done) return;
      const [id, loader] = next.value;
      try {
        if (loader.step(LOAD_SLICE_MS)) {
          this.loading.delete(id);
          const run = loader.finish();
          this.runs.set(id, run);
          run.pump();
        }
      } catch (error) {
        this.loading.delete(id);
        console.error(`[hypersieve] could not resume study ${id}:`, error);
      }
      this.loadInBackground(generation);
    });
  }

  /** The live run of a study if this process has it loaded (running studies, and any it touched since start), without loading it. */
  loaded(studyId: number): StudyRun | undefined {
    return this.runs.get(studyId);
  }

  /** Whether a running study's history is still being replayed after a start. */
  isLoading(studyId: number): boolean {
    return this.loading.has(studyId);
  }

  /** The live run of a study, loaded (and its strategy replayed) on first use; a study loading in the background is finished now and resumed. */
  run(studyId: number): StudyRun {
    this.start();
    let run = this.runs.get(studyId);
    if (!run) {
      const pending = this.loading.get(studyId);
      this.loading.delete(studyId);
      run = (pending ?? StudyRun.loader(studyId)).finish();
      this.runs.set(studyId, run);
      if (pending) run.pump();
    }
    return run;
  }

  /** Forgets a study's loaded run, which must be idle (finished): a study whose budget grew is loaded again by replay, a deleted one is gone. */
  forget(studyId: number): void {
    this.runs.delete(studyId);
  }

  /** Starts a study that was just inserted. */
  launch(studyId: number): void {
    this.start();
    this.run(studyId).pump();
  }

  async pause(studyId: number): Promise<void> {
    this.start();
    await this.run(studyId).pause();
  }

  resume(studyId: number): void {
    this.start();
    this.run(studyId).resume();
  }

  async stop(studyId: number): Promise<void> {
    this.start();
    await this.run(studyId).stop();
  }

  /** Lets go of every loaded run without writing again, and of the database's ownership (tests that close their database, the CLI's exit). */
  async reset(): Promise<void> {
    this.generation++;
    this.loading.clear();
    await Promise.all([...this.runs.values()].map((r) => r.detach()));
    this.runs.clear();
    this.started = false;
    if (this.ownedFile) {
      setGroupLedger(null);
      releaseOwnership(this.ownedFile);
    }
    this.ownedFile = null;
  }
}

/** The file beside a database where its owner records the process groups of running command trials. */
export function groupLedgerOf(dbFile: string): string {
  return `${dbFile}.groups`;
}

const key = Symbol.for("hypersieve.engine");
const holder = globalThis as unknown as { [key]?: Engine };

/** This process's engine. */
export function getEngine(): Engine {
  return (holder[key] ??= new Engine());
}
