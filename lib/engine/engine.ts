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
import { StudyRun } from "./study-run";

export class Engine {
  private readonly runs = new Map<number, StudyRun>();
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
    for (const id of getStudyIdsByStatus("running")) {
      try {
        this.run(id).pump();
      } catch (error) {
        console.error(`[hypersieve] could not resume study ${id}:`, error);
      }
    }
  }

  /** The live run of a study if this process has it loaded (running studies, and any it touched since start), without loading it. */
  loaded(studyId: number): StudyRun | undefined {
    return this.runs.get(studyId);
  }

  /** The live run of a study, loaded (and its strategy replayed) on first use. */
  run(studyId: number): StudyRun {
    this.start();
    let run = this.runs.get(studyId);
    if (!run) {
      run = StudyRun.load(studyId);
      this.runs.set(studyId, run);
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
